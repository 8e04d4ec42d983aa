// One WebSocket to the chat server that reconnects with exponential backoff after a drop.

import { CLOSE_POLICY, type ClientFrame, type ServerFrame } from "../server/ws/protocol.ts";
import { parseFrame } from "./frames.ts";

export interface ConnectionEvents {
  /** The socket is open; `reconnect` is true after a drop (send `resume` then). */
  open(reconnect: boolean): void;
  frame(frame: ServerFrame): void;
  /** The socket closed. `retryIn` is the delay before the next try, or null when none is planned. */
  close(code: number, reason: string, retryIn: number | null): void;
}

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** 0.5s, 1s, 2s… up to 10s, each with ±20% jitter so many clients don't retry together. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function socketUrl(loc: Location = location): string {
  return `${loc.protocol === "https:" ? "wss:" : "ws:"}//${loc.host}/ws`;
}

export class Connection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wasOpen = false;
  /** While true, a drop is followed by a new try. */
  private keepAlive = false;

  constructor(private readonly url: string, private readonly events: ConnectionEvents) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Opens the socket if it is not open or opening. */
  open() {
    if (this.ws && (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)) return;
    this.clearTimer();
    const reconnect = this.wasOpen;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.wasOpen = true;
      this.events.open(reconnect);
    };
    ws.onmessage = (e) => {
      const frame = parseFrame(e.data);
      if (frame) this.events.frame(frame);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      const retry = this.keepAlive && e.code !== CLOSE_POLICY;
      let delay: number | null = null;
      if (retry) {
        delay = backoffDelay(this.attempt++);
        this.timer = setTimeout(() => this.open(), delay);
      }
      this.events.close(e.code, e.reason, delay);
    };
  }

  /** Keep reconnecting after drops (once logged in), or stop doing so. */
  setKeepAlive(on: boolean) {
    this.keepAlive = on;
    if (!on) this.clearTimer();
  }

  /** The session is back: the next drop starts again from the shortest delay. */
  resetBackoff() {
    this.attempt = 0;
  }

  /** Tries again now instead of waiting for the backoff timer. */
  retryNow() {
    if (this.timer) this.open();
  }

  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Lets go of the socket without closing it: the server closes it once it has answered the last
   * frame (a sign-out), which a close from here could cut short. No reconnect, no events after.
   */
  release() {
    const ws = this.detach();
    if (ws) ws.onmessage = null;
  }

  /** Closes on purpose: no reconnect, and the next open counts as a first connection. */
  close() {
    this.detach()?.close(1000, "bye");
  }

  /** Stops reconnecting and forgets the socket, so the next open counts as a first connection. */
  private detach(): WebSocket | null {
    this.keepAlive = false;
    this.clearTimer();
    const ws = this.ws;
    this.ws = null;
    this.wasOpen = false;
    this.attempt = 0;
    return ws;
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
