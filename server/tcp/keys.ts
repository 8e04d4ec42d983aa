// Keys from the bytes a terminal sends when every key goes at once (telnet character mode, or a
// local terminal in raw mode). Escape sequences and UTF-8 may be split across chunks anywhere, so
// this is a byte-at-a-time state machine like the telnet decoder.

export type KeyName =
  | "enter" | "backspace" | "delete" | "left" | "right" | "up" | "down" | "home" | "end"
  | "tab" | "kill-start" | "kill-end" | "kill-word" | "redraw" | "interrupt" | "eof";

export type Key = { text: string } | { key: KeyName };

// Ctrl-letter bytes and what they do, as in readline and most line editors.
const CONTROL: Record<number, KeyName> = {
  0x01: "home", 0x02: "left", 0x03: "interrupt", 0x04: "eof", 0x05: "end", 0x06: "right",
  0x08: "backspace", 0x09: "tab", 0x0a: "enter", 0x0b: "kill-end", 0x0c: "redraw", 0x0d: "enter",
  0x0e: "down", 0x10: "up", 0x15: "kill-start", 0x17: "kill-word", 0x7f: "backspace",
};

// The final byte of CSI and SS3 sequences for the cursor keys (ESC [ A, ESC O A, ESC [ 1 ; 5 A).
const FINAL: Record<string, KeyName> = { A: "up", B: "down", C: "right", D: "left", H: "home", F: "end" };
// ESC [ n ~ sequences (vt220 style).
const TILDE: Record<string, KeyName> = { "1": "home", "7": "home", "4": "end", "8": "end", "3": "delete" };

const ESC = 0x1b;
const ST_TEXT = 0, ST_ESC = 1, ST_CSI = 2, ST_SS3 = 3;

export class KeyReader {
  private state = ST_TEXT;
  private params = "";
  // Streaming: a character split across chunks is decoded once its last byte arrives.
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false });

  /** The keys these bytes complete, in order. */
  read(bytes: Uint8Array): Key[] {
    const keys: Key[] = [];
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      if (this.state === ST_TEXT) {
        if (b >= 0x20 && b !== 0x7f) {
          let j = i + 1;
          while (j < bytes.length && bytes[j]! >= 0x20 && bytes[j] !== 0x7f) j++;
          const text = this.utf8.decode(bytes.subarray(i, j), { stream: true });
          if (text) keys.push({ text });
          i = j;
          continue;
        }
        i++;
        if (b === ESC) this.state = ST_ESC;
        else if (CONTROL[b]) keys.push({ key: CONTROL[b]! });
        // Other control bytes (NUL, bell, …) type nothing.
        continue;
      }
      if (this.state === ST_ESC) {
        if (b === 0x5b) {
          i++;
          this.state = ST_CSI;
          this.params = "";
        } else if (b === 0x4f) {
          i++;
          this.state = ST_SS3;
        } else this.state = ST_TEXT; // Alt-key or a lone Escape: the ESC alone is dropped.
        continue;
      }
      if (this.state === ST_CSI) {
        if (b >= 0x20 && b <= 0x3f) {
          // Parameters are short; a runaway sequence keeps only its start.
          if (this.params.length < 16) this.params += String.fromCharCode(b);
          i++;
          continue;
        }
        this.state = ST_TEXT;
        if (b < 0x40 || b > 0x7e) continue; // not part of it: reread as typed
        i++;
        const final = String.fromCharCode(b);
        const name = final === "~" ? TILDE[this.params.split(";")[0]!] : FINAL[final];
        if (name) keys.push({ key: name });
        continue;
      }
      // SS3: one final byte.
      this.state = ST_TEXT;
      if (b < 0x40 || b > 0x7e) continue;
      i++;
      const name = FINAL[String.fromCharCode(b)];
      if (name) keys.push({ key: name });
    }
    return keys;
  }
}
