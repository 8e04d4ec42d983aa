// Telnet input decoding: strips option negotiation and subnegotiation, refuses
// every option the client proposes (except ECHO while we are hiding input),
// splits the byte stream into lines and decodes them as UTF-8.
// Everything is a byte-at-a-time state machine so TCP chunk boundaries can fall
// anywhere without changing the result.

export const IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240, ECHO = 1, SGA = 3;

// Erase Character / Erase Line: the telnet-level equivalents of backspace and ^U.
const EC = 247, EL = 248;
const NUL = 0, BS = 8, LF = 10, CR = 13, DEL = 127;

export interface TelnetLimits {
  /** A completed line longer than this (bytes, after telnet/backspace processing) is reported as 'too-long'. */
  maxLineBytes: number;
  /** Pending unterminated bytes beyond this report 'flood'; the decoder then ignores all further input. */
  maxUnterminatedBytes: number;
  /**
   * Default 1024. No subnegotiated option is ever agreed to, so SB payloads are
   * skipped without being buffered at all: any cap is honoured trivially.
   */
  maxSubnegotiationBytes?: number;
}

export type TelnetInput =
  | { kind: "line"; text: string }
  | { kind: "too-long"; bytes: number }
  | { kind: "flood" };

// Bytes that interrupt a run of plain data; every other byte is copied in bulk.
const SPECIAL = new Uint8Array(256);
for (const b of [NUL, BS, LF, CR, DEL, IAC]) SPECIAL[b] = 1;

const ST_DATA = 0, ST_IAC = 1, ST_OPTION = 2, ST_SB = 3, ST_SB_IAC = 4, ST_DEAD = 5;

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
  /** The client has negotiated an option, so it is a telnet client that will honour WILL ECHO. */
  speaksTelnet = false;
  // verb*256+option of refusals already sent; a client repeating itself must not start a loop.
  private readonly refused = new Set<number>();

  constructor(limits: TelnetLimits, reply: (bytes: Uint8Array) => void) {
    this.limits = limits;
    this.reply = reply;
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
          if (!SPECIAL[b]) {
            let j = i + 1;
            while (j < n && !SPECIAL[chunk[j]]) j++;
            this.append(chunk, i, j, out);
            i = j;
            break;
          }
          i++;
          if (b === IAC) this.state = ST_IAC;
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
          if (b === IAC) this.append(chunk, i - 1, i, out);
          else if (b >= WILL && b <= DONT) {
            this.verb = b;
            this.state = ST_OPTION;
          } else if (b === SB) this.state = ST_SB;
          else if (b === EC) this.eraseChar();
          else if (b === EL) this.len = 0;
          // NOP, DM, BRK, IP, AO, AYT, GA and unknown commands carry nothing for a chat line.
          break;
        case ST_OPTION:
          i++;
          this.state = ST_DATA;
          this.speaksTelnet = true;
          this.negotiate(this.verb, b);
          break;
        case ST_SB: {
          const j = chunk.indexOf(IAC, i);
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
          this.state = b === SE ? ST_DATA : ST_SB;
          break;
      }
    }
    return out;
  }

  /** IAC WILL ECHO: the client stops echoing, which hides password typing. */
  hideInput(): Uint8Array {
    return Uint8Array.of(IAC, WILL, ECHO);
  }

  /** IAC WONT ECHO: the client echoes again. */
  showInput(): Uint8Array {
    return Uint8Array.of(IAC, WONT, ECHO);
  }

  private negotiate(verb: number, option: number): void {
    // DO/DONT ECHO are acks of our own WILL/WONT ECHO. They can arrive after we have already
    // flipped again (hide, show, hide for two password prompts), so they never change or answer anything.
    if (verb === DO) {
      if (option === ECHO) return;
      this.refuse(WONT, option);
    } else if (verb === WILL) {
      this.refuse(DONT, option);
    }
    // WONT needs no answer: refusing is always allowed and we never asked.
  }

  private refuse(verb: number, option: number): void {
    const key = verb * 256 + option;
    if (this.refused.has(key)) return;
    this.refused.add(key);
    this.reply(Uint8Array.of(IAC, verb, option));
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
