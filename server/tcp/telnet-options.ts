// Telnet option negotiation for one connection: what the server asked for (the terminal type,
// the window size, character at a time with the server echoing) and what the client agreed to.
// Agreement is only taken for what we asked, and each answer is sent once, so the negotiation
// cannot loop (RFC 1143's rule, simply). The byte-level decoder is telnet.ts.

export const IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251, SB = 250, SE = 240, ECHO = 1, SGA = 3;
export const TTYPE = 24, NAWS = 31;
const TTYPE_IS = 0, TTYPE_SEND = 1;
export type TelnetInput =
  | { kind: "line"; text: string }
  | { kind: "too-long"; bytes: number }
  | { kind: "flood" }
  /** Character at a time: bytes as typed (CR LF and CR NUL become one CR), for the line editor. */
  | { kind: "keys"; bytes: Uint8Array }
  /** The client's window size (NAWS); 0 means unknown. */
  | { kind: "size"; width: number; height: number }
  /** The client's terminal type (TTYPE), as sent (e.g. "XTERM-256COLOR"). */
  | { kind: "terminal"; name: string }
  /** The client has negotiated an option for the first time: it speaks telnet. */
  | { kind: "telnet" }
  /** The client agreed to (or left) character at a time with the server echoing. */
  | { kind: "editing"; on: boolean };

export class TelnetOptions {
  /** The client has negotiated an option, so it is a telnet client that will honour WILL ECHO. */
  speaksTelnet = false;
  /** Character at a time: the client sends every key and the server echoes (the editor). */
  editing = false;
  // verb*256+option of refusals already sent; a client repeating itself must not start a loop.
  private readonly refused = new Set<number>();
  private askedTtype = false;
  private askedNaws = false;
  private offeredSga = false;
  private echoing = false;
  private clientSga = false;
  private clientEcho = false;

  constructor(private readonly reply: (bytes: Uint8Array) => void) {}

  /** At connect: asks for the terminal type, which also tells whether the client speaks telnet. */
  probe(): Uint8Array {
    this.askedTtype = true;
    return Uint8Array.of(IAC, DO, TTYPE);
  }

  /**
   * Offers server-side editing: character at a time (we suppress go-ahead), and asks for the
   * window size. Only a client that agrees is then offered our echo (WILL ECHO), so one that
   * refuses is never left typing blind; `editing` turns on when it has agreed to both.
   */
  offerEditing(): Uint8Array {
    this.offeredSga = true;
    this.askedNaws = true;
    this.refused.delete(WONT * 256 + SGA);
    return Uint8Array.of(IAC, WILL, SGA, IAC, DO, NAWS);
  }

  /** Back to line mode with the client echoing (`/set editor off`). */
  stopEditing(): Uint8Array {
    this.offeredSga = false;
    this.echoing = false;
    this.clientSga = false;
    this.clientEcho = false;
    this.editing = false;
    return Uint8Array.of(IAC, WONT, ECHO, IAC, WONT, SGA);
  }

  /** IAC WILL ECHO: the client stops echoing, which hides password typing. */
  hideInput(): Uint8Array {
    this.echoing = true;
    return Uint8Array.of(IAC, WILL, ECHO);
  }

  /** IAC WONT ECHO: the client echoes again. */
  showInput(): Uint8Array {
    this.echoing = false;
    return Uint8Array.of(IAC, WONT, ECHO);
  }

  /** IAC verb option from the client: agreed to when we asked for it, refused (once) otherwise. */
  negotiate(verb: number, option: number, out: TelnetInput[]): void {
    if (!this.speaksTelnet) out.push({ kind: "telnet" });
    this.speaksTelnet = true;
    const was = this.editing;
    // DO/DONT ECHO are acks of our own WILL/WONT ECHO. They can arrive after we have already
    // flipped again (hide, show, hide for two password prompts), so they never answer anything.
    if (verb === DO) {
      if (option === ECHO) this.clientEcho = this.echoing;
      else if (option === SGA && this.offeredSga) {
        if (!this.clientSga && !this.echoing) this.reply(this.hideInput());
        this.clientSga = true;
      }
      else this.refuse(WONT, option);
    } else if (verb === DONT) {
      if (option === ECHO) this.clientEcho = false;
      else if (option === SGA && this.offeredSga) {
        // Refused character at a time: our echo would leave the user typing blind in line mode.
        this.offeredSga = false;
        this.clientSga = false;
        if (this.echoing) this.reply(this.showInput());
      }
    } else if (verb === WILL) {
      if (option === TTYPE && this.askedTtype) {
        if (!this.refused.has(-TTYPE)) this.reply(Uint8Array.of(IAC, SB, TTYPE, TTYPE_SEND, IAC, SE));
        this.refused.add(-TTYPE);
      } else if (option === NAWS && this.askedNaws) {
        // Agreed: the size follows in a subnegotiation.
      } else this.refuse(DONT, option);
    }
    // WONT needs no answer: refusing is always allowed.
    this.editing = this.offeredSga && this.clientSga && this.echoing && this.clientEcho;
    if (this.editing !== was) out.push({ kind: "editing", on: this.editing });
  }

  /** A finished SB … SE payload: the window size or the terminal type, when we asked for them. */
  subnegotiation(p: Uint8Array, out: TelnetInput[]): void {
    if (p[0] === NAWS && p.length >= 5 && this.askedNaws) {
      out.push({ kind: "size", width: (p[1]! << 8) | p[2]!, height: (p[3]! << 8) | p[4]! });
    } else if (p[0] === TTYPE && p[1] === TTYPE_IS && this.askedTtype) {
      // Printable ASCII only: the name is only ever compared, never shown raw.
      const name = String.fromCharCode(...p.subarray(2)).replace(/[^\x20-\x7e]/g, "");
      out.push({ kind: "terminal", name });
    }
  }

  private refuse(verb: number, option: number): void {
    const key = verb * 256 + option;
    if (this.refused.has(key)) return;
    this.refused.add(key);
    this.reply(Uint8Array.of(IAC, verb, option));
  }
}
