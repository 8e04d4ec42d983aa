import { CommandError } from "./errors.ts";

// Nicks and room names: Unicode letters, marks and digits plus _ - . so "José" and "Łukasz"
// work, while nothing invisible or confusable with syntax gets in.
const ALLOWED = /^[\p{L}\p{M}\p{N}_.\-]+$/u;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const NICK_MIN = 2;
export const NICK_MAX = 24;
export const ROOM_MAX = 32;

/** Returns the NFC form of a valid nick, or throws a CommandError saying why it is refused. */
export function validateNick(input: string): string {
  return validateName(input.normalize("NFC"), "Nick", NICK_MIN, NICK_MAX);
}

/** Accepts "dev" or "#dev" and returns "#dev"; throws a CommandError saying why it is refused. */
export function validateRoomName(input: string): string {
  const bare = input.normalize("NFC").replace(/^#/, "");
  return "#" + validateName(bare, "Room name", 1, ROOM_MAX);
}

function validateName(name: string, what: string, min: number, max: number): string {
  const length = [...name].length;
  if (length < min || length > max) {
    throw new CommandError(`${what} must be ${min}–${max} characters long (got ${length})`);
  }
  if (/[\p{Zs}\t]/u.test(name)) throw new CommandError(`${what} may not contain spaces`);
  if (INVISIBLE.test(name)) throw new CommandError(`${what} may not contain control or invisible characters`);
  if (!ALLOWED.test(name)) {
    const bad = [...name].find((c) => !ALLOWED.test(c));
    throw new CommandError(`${what} may only contain letters, digits, "_", "-" and "." (not "${bad}")`);
  }
  return name;
}
