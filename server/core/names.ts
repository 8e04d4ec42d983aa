import { fail } from "./errors.ts";
import type { NameKind } from "./notices.ts";

// Nicks and room names: Unicode letters, marks and digits plus _ - . so "José" and "Łukasz"
// work, while nothing invisible or confusable with syntax gets in.
const ALLOWED = /^[\p{L}\p{M}\p{N}_.\-]+$/u;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const NICK_MIN = 2;
export const NICK_MAX = 24;
export const ROOM_MAX = 32;

/** Returns the NFC form of a valid nick, or throws a CommandError saying why it is refused. */
export function validateNick(input: string): string {
  return validateName(input.normalize("NFC"), "nick", NICK_MIN, NICK_MAX);
}

/** Accepts "dev" or "#dev" and returns "#dev"; throws a CommandError saying why it is refused. */
export function validateRoomName(input: string): string {
  const bare = input.normalize("NFC").replace(/^#/, "");
  return "#" + validateName(bare, "room", 1, ROOM_MAX);
}

function validateName(name: string, what: NameKind, min: number, max: number): string {
  const length = [...name].length;
  if (length < min || length > max) throw fail("name_length", { what, min, max, got: length });
  if (/[\p{Zs}\t]/u.test(name)) throw fail("name_space", { what });
  if (INVISIBLE.test(name)) throw fail("name_invisible", { what });
  if (!ALLOWED.test(name)) throw fail("name_char", { what, char: [...name].find((c) => !ALLOWED.test(c))! });
  return name;
}

/** Case-insensitive identity of a nick or room name: the same folding everywhere, mentions included. */
export function foldKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
