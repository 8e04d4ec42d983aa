import { connect, type Socket } from "node:net";
import { connect as connectTls, type TLSSocket } from "node:tls";
import { Signal } from "./signal.ts";

const IAC = 255;

/**
 * A line-based test client over a real TCP socket, like nc. It keeps every byte it receives
 * (`raw`) and the text lines with telnet commands removed (`lines`).
 */
export class LineClient {
  readonly raw: number[] = [];
  lines: string[] = [];
  private partial = "";
  private closedFlag = false;
  private readonly signal = new Signal();
  private readonly decoder = new TextDecoder();

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.raw.push(...chunk);
      this.partial += this.decoder.decode(stripTelnet(chunk), { stream: true });
      const parts = this.partial.split("\r\n");
      this.partial = parts.pop()!;
      this.lines.push(...parts);
      this.signal.wake();
    });
    socket.on("close", () => {
      this.closedFlag = true;
      this.signal.wake();
    });
    socket.on("error", () => {});
  }

  static open(port: number, host = "127.0.0.1"): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new LineClient(s)));
      s.once("error", reject);
    });
  }

  /** Over TLS, trusting whatever certificate is served: `certificate()` tells which it was. */
  static openTls(port: number, host = "127.0.0.1"): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connectTls({ port, host, rejectUnauthorized: false }, () => resolve(new LineClient(s)));
      s.once("error", reject);
    });
  }

  /** The common name of the certificate a TLS connection was served. */
  certificate(): string {
    return String((this.socket as TLSSocket).getPeerCertificate().subject.CN);
  }

  /** Connects (over TLS with `tls`) and logs in (creating the account the first time). */
  static async login(port: number, nick: string, password = "secret-pw", { tls = false } = {}): Promise<LineClient> {
    const c = await (tls ? LineClient.openTls(port) : LineClient.open(port));
    await c.waitForText("Nickname: ");
    c.send(nick);
    const which = await c.waitFor(/new nick|^Password: |Password: $/, { partial: true });
    if (which.includes("new nick")) {
      await c.waitForText("New password: ");
      c.send(password);
      await c.waitForText("Repeat password: ");
      c.send(password);
    } else {
      c.send(password);
    }
    await c.waitFor(/^--- (Recent messages|Mensajes recientes) in #lobby|^--- Mensajes recientes en #lobby/);
    return c;
  }

  send(line: string) {
    this.socket.write(line + "\r\n");
  }

  write(bytes: Uint8Array | string) {
    this.socket.write(bytes);
  }

  get closed() {
    return this.closedFlag;
  }

  /** The text received so far, including an unterminated last line such as a prompt. */
  get text() {
    return this.lines.join("\n") + (this.partial ? "\n" + this.partial : "");
  }

  /**
   * Resolves with the first received line matching `re` (searching from line `from`, the start by
   * default), or rejects after a timeout.
   */
  waitFor(re: RegExp, { timeout = 5000, partial = false, from = 0 } = {}): Promise<string> {
    return this.signal.until(() => {
      const found = this.lines.slice(from).find((l) => re.test(l)) ?? (partial && re.test(this.partial) ? this.partial : undefined);
      if (found === undefined && this.closedFlag) throw new Error(`Connection closed while waiting for ${re}; got:\n${this.text}`);
      return found;
    }, Date.now() + timeout, () => `Timed out waiting for ${re}; got:\n${this.text}`);
  }

  /** Resolves once `done()` holds, checked after each chunk received. */
  until(done: () => boolean, what: string, timeout = 5000): Promise<true> {
    return this.signal.until(() => {
      if (done()) return true;
      if (this.closedFlag) throw new Error(`Connection closed while waiting for ${what}; got:\n${this.text}`);
      return undefined;
    }, Date.now() + timeout, () => `Timed out waiting for ${what}; got:\n${this.text}`);
  }

  /** Waits until `text` appears anywhere, prompts included. */
  async waitForText(text: string, timeout = 5000) {
    const fail = () => `No "${text}" in:\n${this.text}`;
    await this.signal.until(() => {
      if (this.text.includes(text)) return true;
      if (this.closedFlag) throw new Error(fail());
      return undefined;
    }, Date.now() + timeout, fail);
  }

  async waitClosed(timeout = 5000) {
    await this.signal.until(() => this.closedFlag || undefined, Date.now() + timeout, () => "Connection still open");
  }

  /** Forgets what was received so far, so the next waitFor only sees new lines. */
  clear() {
    this.lines = [];
  }

  /** Forgets an unterminated prompt, so the next partial match waits for a new one. */
  partialReset() {
    this.partial = "";
  }

  close() {
    this.socket.destroy();
  }
}

/** Drops IAC sequences (3 bytes for option verbs, 2 for the rest) so tests read only text. */
function stripTelnet(chunk: Buffer): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] !== IAC) out.push(chunk[i]!);
    else i += chunk[i + 1]! >= 251 ? 2 : 1;
  }
  return Uint8Array.from(out);
}
