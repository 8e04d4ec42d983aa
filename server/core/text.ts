// Rules for the text users type: what may be stored, and what may reach a terminal.

// C0 controls except TAB, DEL, C1 controls, and the bidi embeddings, overrides and isolates
// that could make one user's line rewrite how another's reads.
const UNSAFE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Removes what could clear, retitle or reorder someone else's screen; lone surrogates become U+FFFD. */
export function cleanText(text: string): string {
  return text.toWellFormed().replace(UNSAFE, "");
}

const encoder = new TextEncoder();

/** UTF-8 length, computed only when the UTF-16 length cannot decide it. */
export function exceedsBytes(text: string, max: number): boolean {
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return encoder.encode(text).length > max;
}

/** The longest prefix of `text` within `max` UTF-8 bytes, cut between code points. */
export function truncateBytes(text: string, max: number): string {
  if (!exceedsBytes(text, max)) return text;
  let out = "";
  let bytes = 0;
  for (const c of text) {
    bytes += encoder.encode(c).length;
    if (bytes > max) break;
    out += c;
  }
  return out;
}

/** UTF-8 length, counted without encoding (this runs for every line a user sends). */
export function textBytes(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // 2 bytes up to U+07FF, 3 to U+FFFF; a surrogate pair is 4 bytes for its 2 code units.
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes;
}
