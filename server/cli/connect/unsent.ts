import { makesMessage, type ClientFrame } from "../../ws/protocol.ts";

// What `chat connect` has typed and the server has not yet confirmed. Each message goes with a
// client id (cid) that the server stores with it, so sending it again after a dropped connection
// or a database outage can never store it twice: the server answers a known cid with the stored
// message. Commands are sent once, as typed: running /join twice is not the same as once.

/** Most messages kept while the server cannot take them; beyond this the oldest is dropped, and said so. */
export const UNSENT_MAX = 200;

export class Unsent {
  private readonly items = new Map<string, ClientFrame & { type: "line" }>();

  constructor(private readonly newId: () => string = () => crypto.randomUUID()) {}

  /** The frame for a typed line: a message gets a cid and is kept until the server confirms it. */
  frame(text: string, to?: string): { frame: ClientFrame; dropped: boolean } {
    const frame: ClientFrame & { type: "line" } = { type: "line", text, ...(to !== undefined ? { to } : {}) };
    if (!makesMessage(text)) return { frame, dropped: false };
    const cid = this.newId();
    frame.cid = cid;
    this.items.set(cid, frame);
    let dropped = false;
    if (this.items.size > UNSENT_MAX) {
      this.items.delete(this.items.keys().next().value!);
      dropped = true;
    }
    return { frame, dropped };
  }

  /** The server stored it (its echo carries the cid), or refused it for good: either way it is done. */
  settled(cid: string | undefined, key?: string) {
    // Refused only because the database is away: kept, to go again when it is back.
    if (cid !== undefined && key !== "not_sent_store_down") this.items.delete(cid);
  }

  /** Everything not yet confirmed, oldest first, to send again with the same ids. */
  again(): ClientFrame[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }
}
