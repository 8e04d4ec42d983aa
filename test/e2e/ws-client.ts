import { Signal } from "./signal.ts";

/** A WebSocket test client that keeps every JSON frame it receives and can wait for one. */
export class WsClient {
  frames: any[] = [];
  closeCode: number | null = null;
  /** Called with each frame as it arrives, as a client would act on it. */
  onFrame: ((frame: any) => void) | null = null;
  private readonly signal = new Signal();

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data));
      this.frames.push(frame);
      this.onFrame?.(frame);
      this.signal.wake();
    };
    ws.onclose = (e) => {
      this.closeCode = e.code;
      this.signal.wake();
    };
  }

  /** `tls`: wss://, trusting whatever certificate is served (Bun's WebSocket takes a tls option). */
  static open(port: number, headers: Record<string, string> = {}, { tls = false } = {}): Promise<WsClient> {
    const options = tls ? { headers, tls: { rejectUnauthorized: false } } : { headers };
    const ws = new WebSocket(`${tls ? "wss" : "ws"}://127.0.0.1:${port}/ws`, options as unknown as string[]);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new WsClient(ws));
      ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
  }

  /** Opens, logs in (creating the account the first time) and waits for the room's welcome. */
  static async login(port: number, nick: string, password = "secret-pw", { tls = false } = {}): Promise<WsClient> {
    const c = await WsClient.open(port, {}, { tls });
    await c.signIn(nick, password);
    return c;
  }

  /** Logs in as the web form does: a new nick is created only when asked, with the password twice. */
  async signIn(nick: string, password: string) {
    this.send({ type: "login", nick, password });
    const first = await this.waitFor((f) => f.type === "room" || (f.type === "error" && f.key === "no_such_account"));
    if (first.type === "error") {
      this.clear();
      this.send({ type: "login", nick, password, confirm: password });
      await this.waitFor((f) => f.type === "room");
    }
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The first received frame (from index `from`) matching `pred`, waiting for it if need be. */
  waitFor(pred: (f: any) => boolean, { timeout = 5000, from = 0 }: { timeout?: number; from?: number } = {}): Promise<any> {
    return this.signal.until(() => {
      const found = this.frames.slice(from).find(pred);
      if (!found && this.closeCode !== null) throw new Error(`Closed (${this.closeCode}) while waiting; got ${JSON.stringify(this.frames)}`);
      return found;
    }, Date.now() + timeout, () => `Timed out; got ${JSON.stringify(this.frames)}`);
  }

  waitClosed(timeout = 5000): Promise<number> {
    return this.signal.until(() => this.closeCode ?? undefined, Date.now() + timeout, () => "Still open");
  }

  messages(): any[] {
    return this.frames.filter((f) => f.type === "message");
  }

  clear() {
    this.frames = [];
  }

  close() {
    this.ws.close();
  }
}
