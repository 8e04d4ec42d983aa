// A benchmark message carries who sent it and when, and is padded to a fixed size. The marker
// survives every server's framing untouched (IRC lines, our text lines, JSON strings).
const MARK = "^^";
const CARET = 0x5e;
const COLON = 0x3a;
const ZERO = 0x30;

/** `^^<proc>:<micros>:xxxx…`, exactly `bytes` long. */
export function payload(proc: number, micros: number, bytes: number): string {
  const head = `${MARK}${proc}:${micros}:`;
  return head.length >= bytes ? head : head + "x".repeat(bytes - head.length);
}

/**
 * Calls `seen(proc, micros)` for every whole payload header in `bytes` and returns where the
 * first one cut short begins (or bytes.length), so the caller can keep that part for the next
 * chunk. Works on bytes, not strings: the generator must cost far less per delivery than a server.
 */
export function scan(bytes: Uint8Array, seen: (proc: number, micros: number) => void): number {
  let at = bytes.indexOf(CARET);
  while (at !== -1) {
    if (at + 1 >= bytes.length) return at;
    if (bytes[at + 1] !== CARET) {
      at = bytes.indexOf(CARET, at + 1);
      continue;
    }
    let i = at + 2;
    let proc = 0;
    let micros = 0;
    for (; i < bytes.length && bytes[i] !== COLON; i++) proc = proc * 10 + bytes[i]! - ZERO;
    for (i++; i < bytes.length && bytes[i] !== COLON; i++) micros = micros * 10 + bytes[i]! - ZERO;
    if (i >= bytes.length) return at;
    seen(proc, micros);
    at = bytes.indexOf(CARET, i + 1);
  }
  return bytes.length;
}

/** Microseconds on a clock all of one process's clients share. */
export const nowMicros = () => Math.round(performance.now() * 1000);
