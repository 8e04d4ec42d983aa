// Messages typed but not yet confirmed by the server. Each gets a client id (cid) that the server
// keeps with the stored message, so sending it again (after a drop, a reload or a database outage)
// can never store it twice. The outbox is shown under the conversation, each message "Sending…"
// or "Waiting to send", and is kept in sessionStorage so a reload does not lose what was typed.

import { makesMessage, type ClientFrame } from "../server/ws/protocol.ts";

export { makesMessage };
import { el } from "./dom.ts";

export interface Outgoing {
  cid: string;
  text: string;
  to?: string;
}

const KEY = "chat.outbox";


export class Outbox {
  private items: Outgoing[] = [];
  /** Sent on this connection and not answered yet; the rest wait for the next chance. */
  private inFlight = new Set<string>();
  /** False while disconnected or while the server says its database is unavailable. */
  private open = false;

  constructor(
    private readonly view: HTMLElement,
    private readonly send: (frame: ClientFrame) => boolean,
    private readonly storage: Storage = sessionStorage,
  ) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) ?? "[]") as Outgoing[];
      if (Array.isArray(saved)) this.items = saved.filter((i) => typeof i?.cid === "string" && typeof i?.text === "string");
    } catch {
      // A damaged entry: nothing to resend.
    }
    this.render();
  }

  get size() {
    return this.items.length;
  }

  /** A typed message: into the outbox, and sent now if sending is possible. */
  add(text: string, to?: string) {
    const item: Outgoing = { cid: newCid(), text, ...(to !== undefined ? { to } : {}) };
    this.items.push(item);
    if (this.open) this.transmit(item);
    this.changed();
  }

  /** Connected and logged in, or the database is back: everything waiting goes, in order. */
  resume() {
    this.open = true;
    this.inFlight.clear();
    for (const item of this.items) this.transmit(item);
    this.changed();
  }

  /** Disconnected, or the database is unavailable: messages wait here until resume(). */
  pause() {
    this.open = false;
    this.inFlight.clear();
    this.changed();
  }

  /** The server stored it (its echo, or its answer to a resend): done. */
  confirmed(cid: string) {
    this.drop(cid);
  }

  /** The server refused it. Refused for the outage it waits; refused for anything else (shown as an error) it is dropped. */
  refused(cid: string, key: string) {
    if (key === "not_sent_store_down" || key === "store_down") {
      this.pause();
      return;
    }
    this.drop(cid);
  }

  clear() {
    this.items = [];
    this.inFlight.clear();
    this.changed();
  }

  private transmit(item: Outgoing) {
    const frame: ClientFrame = { type: "line", text: item.text, cid: item.cid, ...(item.to !== undefined ? { to: item.to } : {}) };
    if (this.send(frame)) this.inFlight.add(item.cid);
  }

  private drop(cid: string) {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.cid !== cid);
    this.inFlight.delete(cid);
    if (this.items.length !== before) this.changed();
  }

  private changed() {
    try {
      this.storage.setItem(KEY, JSON.stringify(this.items));
    } catch {
      // Storage full or disabled: the outbox still lives until the page closes.
    }
    this.render();
  }

  private render() {
    this.view.hidden = this.items.length === 0;
    this.view.replaceChildren(
      ...this.items.map((item) => {
        const state = this.inFlight.has(item.cid) ? "Sending…" : "Waiting to send";
        return el("li", { class: "outbox__item", "data-testid": "outbox-item", "data-state": this.inFlight.has(item.cid) ? "sending" : "waiting" },
          el("span", { class: "outbox__state" }, state),
          el("span", { class: "outbox__text" }, item.to && !item.to.startsWith("#") ? `→ ${item.to}: ${item.text}` : item.text));
      }),
    );
  }
}

function newCid(): string {
  return typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
