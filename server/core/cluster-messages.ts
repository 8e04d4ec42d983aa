import type { ClusterLink, ForeignMessage, StoredBatch } from "./cluster-link.ts";
import type { Delivery } from "./delivery.ts";
import type { Log } from "./log.ts";
import type { ChatMessage, NewMessage } from "./types.ts";

// The other nodes' messages, as one node takes them in (issue 16). Ids follow commit order (the
// store takes a lock per batch), and each batch's wake-up, which arrives in commit order, carries
// its messages when they fit, so a batch right after the cursor is delivered from the wake-up
// alone, with no query. Any other (too big, after a gap, or while a read is under way) makes the
// node read `id > cursor` in id order, so no reader skips one.

const PAGE = 500;
// How long another node's batch may wait for this node's own batch in flight, to go out with it.
// Measured (issue 16): with every node's clients in one room, each node wrote to each of its
// clients once per batch of any node, so N nodes made N times the writes of one; on the bench's
// one shared core that alone pushed cross-node p50 from 25 to 73 ms. Batches commit one at a time
// under the batch lock, so this node's own usually answers a few ms after the other's wake-up.
const HOLD_MS = 10;

export class ClusterMessages {
  /** Every message up to here has been delivered (or was this node's own). */
  private cursor = 0;
  /** This node's stored ids past the cursor: delivered when stored, skipped when read back. */
  private readonly own = new Set<number>();
  private readonly storing = new Set<Promise<unknown>>();
  private catching: Promise<void> | null = null;
  private again = false;
  /** Wake-ups heard while a read was under way: applied (or read) after it, in order. */
  private heard: StoredBatch[] = [];
  /** A wake-up came since the last safety poll. */
  private wokenSincePoll = false;
  /** Other nodes' messages past the cursor, heard while this node's own batch was being stored: they go out with it. */
  private held: ForeignMessage[] = [];
  private holdTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly link: Pick<ClusterLink, "node" | "lastMessageId" | "messagesAfter">,
    private readonly delivery: Pick<Delivery, "deliver">,
    private readonly log: Log,
  ) {}

  private get node() {
    return this.link.node;
  }

  /** Starts after the last message stored so far. */
  async start() {
    this.cursor = await this.link.lastMessageId();
  }

  /** Stores a batch through `insert`, remembering its ids so they are not delivered twice. */
  store(insert: Promise<ChatMessage[]>): Promise<ChatMessage[]> {
    const tracked = insert.then((stored) => {
      for (const m of stored) if (m.id > this.cursor) this.own.add(m.id);
      return stored;
    });
    this.storing.add(tracked);
    const untrack = () => {
      this.storing.delete(tracked);
      // Delivered with this node's batch (deliverOwn), which runs before this; the rest, or all of
      // them when the batch was refused, go now.
      if (this.held.length) setImmediate(() => this.release());
    };
    tracked.then(untrack, untrack);
    return tracked;
  }

  /** Delivers a message this node stored, after the held messages of other nodes that precede it. */
  deliverOwn(stored: ChatMessage, sent: NewMessage) {
    this.release(stored.id);
    this.delivery.deliver(stored, sent);
  }

  committed(batch: StoredBatch) {
    this.wokenSincePoll = true;
    // Measured (issue 16): the read after a wake-up, and the wait for this node's own insert it
    // may need, were most of the cross-node latency; a wake-up that carries its batch needs neither.
    if (this.catching) {
      this.heard.push(batch);
      return;
    }
    if (!this.apply(batch)) void this.catchUp();
  }

  poll() {
    // While wake-ups keep coming, a lost one shows as a gap before the next, which reads; a read
    // here would only hold up the wake-ups heard during it (measured: up to 100 ms at p99 under load).
    if (this.wokenSincePoll) {
      this.wokenSincePoll = false;
      return;
    }
    this.catchUp();
  }

  /** Reads and delivers every message after the cursor; one reader at a time, again if woken meanwhile. */
  catchUp(): Promise<void> {
    if (this.catching) {
      this.again = true;
      return this.catching;
    }
    this.catching = this.read().catch((e) => this.log.error("cluster catch-up failed", { error: String(e) })).finally(() => (this.catching = null));
    return this.catching;
  }

  /**
   * Takes a batch from its wake-up alone when it starts right after the cursor (nothing before it
   * can be missing: wake-ups come in id order): this node's own is skipped, another's delivered.
   * False when it must be read from the database instead.
   */
  private apply(batch: StoredBatch): boolean {
    if (batch.last <= this.cursor) return true;
    if (batch.first !== this.cursor + 1) return false;
    if (batch.from === this.node) {
      for (let id = batch.first; id <= batch.last; id++) this.own.delete(id);
      this.cursor = batch.last;
      return true;
    }
    if (!batch.messages) return false;
    if (this.storing.size > 0) this.hold(batch.messages);
    else for (const m of batch.messages) this.take(m);
    this.cursor = batch.last;
    return true;
  }

  /** Keeps another node's messages to go out with this node's batch in flight, for at most HOLD_MS. */
  private hold(messages: ForeignMessage[]) {
    for (const m of messages) if (m.message.id > this.cursor) this.held.push(m);
    this.holdTimer ??= setTimeout(() => {
      this.holdTimer = null;
      this.release();
    }, HOLD_MS);
  }

  /** Delivers the held messages below `before` (all of them by default), in id order. */
  private release(before = Number.MAX_SAFE_INTEGER) {
    let n = 0;
    while (n < this.held.length && this.held[n]!.message.id < before) n++;
    if (n === 0) return;
    const due = this.held.splice(0, n);
    if (this.held.length === 0 && this.holdTimer) {
      clearTimeout(this.holdTimer);
      this.holdTimer = null;
    }
    for (const m of due) this.deliver(m);
  }

  private async read() {
    do {
      this.again = false;
      for (;;) {
        const page = await this.link.messagesAfter(this.cursor, PAGE);
        // A batch of this node's may be in the page before its insert has answered: wait for it,
        // so its ids are known as this node's own.
        await Promise.allSettled([...this.storing]);
        // Held messages precede the page (they are below the cursor it was read from).
        this.release();
        for (const m of page) this.take(m);
        if (page.length < PAGE) break;
      }
      // What was heard meanwhile: mostly read already, the rest taken from its wake-up; a batch
      // that cannot be (too big, or after a gap) means reading again.
      const heard = this.heard;
      this.heard = [];
      for (const batch of heard) {
        if (this.apply(batch)) continue;
        this.again = true;
        break;
      }
    } while (this.again);
  }

  /** Delivers a message past the cursor unless this node stored it (and so delivered it already). */
  private take({ message, sent }: ForeignMessage) {
    if (message.id <= this.cursor) return;
    this.cursor = message.id;
    if (this.own.delete(message.id)) return;
    this.deliver({ message, sent });
  }

  private deliver({ message, sent }: ForeignMessage) {
    try {
      this.delivery.deliver(message, sent);
    } catch (e) {
      this.log.error("delivery failed", { error: String(e) });
    }
  }
}
