import { Signal } from "./signal.ts";

/** A WebSocket test client that keeps every JSON frame it receives and can wait for one. */
export class WsClient {
  frames: any[] = [];
  closeCode: number | null = null;
  closeReason = "";
  private readonly signal = new Signal();

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      this.frames.push(JSON.parse(String(e.data)));
      this.wake();
    };
    ws.onclose = (e) => {
      this.closeCode = e.code;
      this.closeReason = e.reason;
      this.wake();
    };
  }

  static open(port: number, headers: Record<string, string> = {}): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers } as unknown as string[]);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new WsClient(ws));
      ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
  }

  /** Opens, logs in (creating the account the first time) and waits for the room's welcome. */
  static async login(port: number, nick: string, password = "secret"): Promise<WsClient> {
    const c = await WsClient.open(port);
    c.send({ type: "login", nick, password });
    await c.waitFor((f) => f.type === "room");
    return c;
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The first received frame matching `pred`, waiting for it if need be. */
  async waitFor(pred: (f: any) => boolean, timeout = 5000): Promise<any> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const found = this.frames.find(pred);
      if (found) return found;
      if (this.closeCode !== null) throw new Error(`Closed (${this.closeCode}) while waiting; got ${JSON.stringify(this.frames)}`);
      if (Date.now() > deadline) throw new Error(`Timed out; got ${JSON.stringify(this.frames)}`);
      await this.next(deadline);
    }
  }

  async waitClosed(timeout = 5000): Promise<number> {
    const deadline = Date.now() + timeout;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error("Still open");
      await this.next(deadline);
    }
    return this.closeCode;
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

  private next(deadline: number) {
    return this.signal.wait(deadline);
  }

  private wake() {
    this.signal.wake();
  }
}
