// Telnet input decoding: strips option negotiation and subnegotiation, agrees only to what the
// server asked for (ECHO and SUPPRESS-GO-AHEAD from us, NAWS and TTYPE from the client), splits the
// byte stream into lines and decodes them as UTF-8 — or, once the client has agreed to character
// at a time, hands the typed bytes to the line editor (tcp/editor.ts) as they come.
// Everything is a byte-at-a-time state machine so TCP chunk boundaries can fall
// anywhere without changing the result.

import { DONT, IAC, SB, SE, TelnetOptions, WILL, type TelnetInput } from "./telnet-options.ts";

export { DO, DONT, ECHO, IAC, NAWS, SB, SE, SGA, TTYPE, WILL, WONT, type TelnetInput } from "./telnet-options.ts";

const ESC = 27;

// Erase Character / Erase Line: the telnet-level equivalents of backspace and ^U.
const EC = 247, EL = 248;
const NUL = 0, BS = 8, LF = 10, CR = 13, DEL = 127;

export interface TelnetLimits {
  /** A completed line longer than this (bytes, after telnet/backspace processing) is reported as 'too-long'. */
  maxLineBytes: number;
  /** Pending unterminated bytes beyond this report 'flood'; the decoder then ignores all further input. */
  maxUnterminatedBytes: number;
  /**
   * Default 64. Only NAWS (4 bytes) and TTYPE (a terminal name) are read; the rest of a longer
   * payload is skipped without being buffered.
   */
  maxSubnegotiationBytes?: number;
}

// Bytes that interrupt a run of plain data; every other byte is copied in bulk.
const SPECIAL = new Uint8Array(256);
for (const b of [NUL, BS, LF, CR, DEL, IAC, ESC]) SPECIAL[b] = 1;

const ST_DATA = 0, ST_IAC = 1, ST_OPTION = 2, ST_SB = 3, ST_SB_IAC = 4, ST_DEAD = 5;
// An escape sequence typed into a line (arrow and function keys): ESC, then CSI or SS3.
const ST_ESC = 6, ST_CSI = 7, ST_SS3 = 8;
const SB_MAX_DEFAULT = 64;

const INITIAL_BUFFER = 256;
// One huge line should not pin its buffer for the rest of the connection.
const KEEP_BUFFER_MAX = 16 * 1024;

// Non-fatal: invalid bytes become U+FFFD instead of reaching the chat core raw.
const utf8 = new TextDecoder("utf-8", { fatal: false });

export class TelnetDecoder {
  // Kept by reference: `chat admin reload` changes the limits of connections already open.
  private readonly limits: TelnetLimits;
  private readonly reply: (bytes: Uint8Array) => void;

  private buf = new Uint8Array(INITIAL_BUFFER);
  private len = 0;
  private state = ST_DATA;
  private verb = 0;
  // A CR ended the previous line, so an LF or NUL right after it is part of that terminator.
  private afterCR = false;
  private readonly options: TelnetOptions;
  private sb = new Uint8Array(0);
  private sbLen = 0;
  private keys: number[] = [];

  constructor(limits: TelnetLimits, reply: (bytes: Uint8Array) => void) {
    this.limits = limits;
    this.reply = reply;
    this.options = new TelnetOptions(reply);
  }

  /** Feed raw socket bytes; returns the inputs completed by this chunk, in order. */
  push(chunk: Uint8Array): TelnetInput[] {
    const out: TelnetInput[] = [];
    const n = chunk.length;
    let i = 0;
    while (i < n && this.state !== ST_DEAD) {
      const b = chunk[i];
      switch (this.state) {
        case ST_DATA: {
          if (this.afterCR) {
            this.afterCR = false;
            if (b === LF || b === NUL) {
              i++;
              break;
            }
          }
          if (this.editing) {
            i++;
            if (b === IAC) this.state = ST_IAC;
            else if (b !== NUL) {
              if (b === CR) this.afterCR = true;
              this.keys.push(b);
            }
            break;
          }
          if (!SPECIAL[b]) {
            let j = i + 1;
            while (j < n && !SPECIAL[chunk[j]]) j++;
            this.append(chunk, i, j, out);
            i = j;
            break;
          }
          i++;
          if (b === IAC) this.state = ST_IAC;
          else if (b === ESC) this.state = ST_ESC;
          else if (b === CR) {
            this.afterCR = true;
            this.endLine(out);
          } else if (b === LF) this.endLine(out);
          else if (b === BS || b === DEL) this.eraseChar();
          // NUL inside a line is dropped.
          break;
        }
        case ST_IAC:
          i++;
          this.state = ST_DATA;
          if (b === IAC) {
            if (this.editing) this.keys.push(IAC);
            else this.append(chunk, i - 1, i, out);
          } else if (b >= WILL && b <= DONT) {
            this.verb = b;
            this.state = ST_OPTION;
          } else if (b === SB) {
            this.state = ST_SB;
            this.sbLen = 0;
          } else if (b === EC) {
            if (this.editing) this.keys.push(DEL);
            else this.eraseChar();
          } else if (b === EL) {
            if (this.editing) this.keys.push(0x15);
            else this.len = 0;
          }
          // NOP, DM, BRK, IP, AO, AYT, GA and unknown commands carry nothing for a chat line.
          break;
        case ST_OPTION:
          i++;
          this.state = ST_DATA;
          this.flushKeys(out);
          this.options.negotiate(this.verb, b, out);
          break;
        case ST_SB: {
          const j = chunk.indexOf(IAC, i);
          const end = j < 0 ? n : j;
          this.keepSb(chunk, i, end);
          if (j < 0) i = n;
          else {
            i = j + 1;
            this.state = ST_SB_IAC;
          }
          break;
        }
        case ST_SB_IAC:
          i++;
          // Only IAC SE ends it; IAC IAC is an escaped 255 inside the payload.
          if (b === SE) {
            this.state = ST_DATA;
            this.flushKeys(out);
            this.options.subnegotiation(this.sb.subarray(0, this.sbLen), out);
          } else {
            if (b === IAC) this.keepSb(chunk, i - 1, i);
            this.state = ST_SB;
          }
          break;
        // ESC [ parameters intermediates final, or ESC O final: the whole key is dropped from the
        // line. A byte that cannot belong to the sequence ends it and counts as typed.
        case ST_ESC:
          if (b === 0x5b) {
            i++;
            this.state = ST_CSI;
          } else if (b === 0x4f) {
            i++;
            this.state = ST_SS3;
          } else this.state = ST_DATA;
          break;
        case ST_CSI:
          if (b >= 0x20 && b <= 0x3f) i++;
          else {
            if (b >= 0x40 && b <= 0x7e) i++;
            this.state = ST_DATA;
          }
          break;
        case ST_SS3:
          if (b >= 0x40 && b <= 0x7e) i++;
          this.state = ST_DATA;
          break;
      }
    }
    this.flushKeys(out);
    return out;
  }

  /** At connect: asks for the terminal type, which also tells whether the client speaks telnet. */
  probe(): Uint8Array {
    return this.options.probe();
  }

  /** Offers server-side editing (see TelnetOptions.offerEditing). */
  offerEditing(): Uint8Array {
    return this.options.offerEditing();
  }

  /** Back to line mode with the client echoing (`/set editor off`). */
  stopEditing(): Uint8Array {
    return this.options.stopEditing();
  }

  /** IAC WILL ECHO: the client stops echoing, which hides password typing. */
  hideInput(): Uint8Array {
    return this.options.hideInput();
  }

  /** IAC WONT ECHO: the client echoes again. */
  showInput(): Uint8Array {
    return this.options.showInput();
  }

  /** The client has negotiated an option, so it is a telnet client that will honour WILL ECHO. */
  get speaksTelnet(): boolean {
    return this.options.speaksTelnet;
  }

  /** Character at a time: the client sends every key and the server echoes (the editor). */
  get editing(): boolean {
    return this.options.editing;
  }

  private keepSb(src: Uint8Array, from: number, to: number): void {
    const max = this.limits.maxSubnegotiationBytes ?? SB_MAX_DEFAULT;
    const take = Math.min(to, from + (max - this.sbLen));
    if (take <= from) return;
    if (this.sb.length < max) this.sb = new Uint8Array(max);
    this.sb.set(src.subarray(from, take), this.sbLen);
    this.sbLen += take - from;
  }

  private flushKeys(out: TelnetInput[]): void {
    if (this.keys.length === 0) return;
    out.push({ kind: "keys", bytes: Uint8Array.from(this.keys) });
    this.keys = [];
  }

  private append(src: Uint8Array, from: number, to: number, out: TelnetInput[]): void {
    const need = this.len + (to - from);
    if (need > this.limits.maxUnterminatedBytes) {
      out.push({ kind: "flood" });
      this.state = ST_DEAD;
      this.len = 0;
      this.buf = new Uint8Array(0);
      return;
    }
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.min(Math.max(need, this.buf.length * 2), this.limits.maxUnterminatedBytes));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(src.subarray(from, to), this.len);
    this.len = need;
  }

  private endLine(out: TelnetInput[]): void {
    const len = this.len;
    this.len = 0;
    if (len > this.limits.maxLineBytes) out.push({ kind: "too-long", bytes: len });
    else out.push({ kind: "line", text: len === 0 ? "" : utf8.decode(this.buf.subarray(0, len)) });
    if (this.buf.length > KEEP_BUFFER_MAX) this.buf = new Uint8Array(INITIAL_BUFFER);
  }

  // Users erase what they see, i.e. a whole character, not the last byte of its UTF-8 encoding.
  private eraseChar(): void {
    const buf = this.buf;
    const n = this.len;
    if (n === 0) return;
    let j = n - 1;
    if ((buf[j] & 0xc0) === 0x80) {
      const stop = Math.max(0, n - 4);
      while (j > stop && (buf[j] & 0xc0) === 0x80) j--;
      const isLead = buf[j] >= 0xc0 && buf[j] < 0xf8;
      // A stray continuation byte decodes to one U+FFFD on its own, so it is one character.
      this.len = isLead ? j : n - 1;
    } else {
      this.len = n - 1;
    }
  }
}
