import type { ClusterLink, ClusterListener, ControlEvent, ForeignMessage, StoredBatch } from "./cluster-link.ts";
import type { Delivery } from "./delivery.ts";
import type { PresenceEvent } from "./events.ts";
import type { Log } from "./log.ts";
import type { Memberships } from "./memberships.ts";
import type { Moderation } from "./moderation.ts";
import type { ServerInfo } from "./motd.ts";
import { foldKey } from "./names.ts";
import type { Presence, RemoteUser } from "./presence.ts";
import type { Reads } from "./reads.ts";
import type { RoomTable } from "./rooms.ts";
import type { ChatMessage, NewMessage } from "./types.ts";

export type { ClusterLink, ControlEvent, ForeignMessage, NodeInfo, StoredBatch } from "./cluster-link.ts";

// Several nodes on one PostgreSQL (issue 16): what this node does with what the others store and
// say. Messages travel through the database: ids follow commit order (the store takes a lock per
// batch), and each batch's wake-up, which arrives in commit order, carries its messages when they
// fit, so a batch right after the cursor is delivered from the wake-up alone, with no query. Any
// other (too big, after a gap, or while a read is under way) makes the node read `id > cursor` in
// id order, so no reader skips one. Everything else (who came, went or changed status, kicks,
// bans, announcements, the MOTD, deleted rooms) travels as control events.

const PAGE = 500;
// How long another node's batch may wait for this node's own batch in flight, to go out with it.
// Measured (issue 16): with every node's clients in one room, each node wrote to each of its
// clients once per batch of any node, so N nodes made N times the writes of one; on the bench's
// one shared core that alone pushed cross-node p50 from 25 to 73 ms. Batches commit one at a time
// under the batch lock, so this node's own usually answers a few ms after the other's wake-up.
const HOLD_MS = 10;

export class Cluster implements ClusterListener {
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
  private syncing: Promise<void> | null = null;
  /** Other nodes' messages past the cursor, heard while this node's own batch was being stored: they go out with it. */
  private held: ForeignMessage[] = [];
  private holdTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly link: ClusterLink,
    private readonly presence: Presence,
    private readonly rooms: Pick<RoomTable, "audience">,
    private readonly delivery: Pick<Delivery, "deliver">,
    private readonly moderation: Pick<Moderation, "dropHere" | "announceHere">,
    private readonly memberships: Pick<Memberships, "joinedElsewhere" | "leftElsewhere" | "topicSetElsewhere" | "roomDeleted">,
    private readonly reads: Pick<Reads, "readElsewhere">,
    private readonly info: ServerInfo,
    private readonly log: Log,
  ) {
    presence.onChange = (event) => this.changed(event);
  }

  get node() {
    return this.link.node;
  }

  async start() {
    this.cursor = await this.link.lastMessageId();
    await this.link.start(this);
  }

  stop() {
    return this.link.stop();
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

  control(from: string, event: ControlEvent) {
    switch (event.t) {
      case "presence":
        return this.remoteChange(from, event.event, event.user);
      case "kick":
        return void this.moderation.dropHere(event.nick, event.reason, event.ban && {
          ...event.ban, until: event.ban.until === null ? null : new Date(event.ban.until), createdAt: new Date(event.ban.createdAt),
        });
      case "announce":
        return void this.moderation.announceHere(event.text);
      case "read":
        return this.reads.readElsewhere(event.nick, event.state);
      case "motd":
        this.info.motd = event.motd;
        return;
      case "topic":
        return this.memberships.topicSetElsewhere(event.room, event.nick, event.topic);
      case "room_deleted":
        return void this.memberships.roomDeleted(event.room);
      case "bye":
        return this.nodesGone([from]);
      case "reload":
        return this.resync();
    }
  }

  nodesGone(nodes: string[]) {
    for (const node of nodes) {
      for (const user of this.presence.dropNode(node)) this.wentOffline(user);
    }
  }

  rejoin() {
    for (const online of this.presence.accounts()) this.changed(this.presence.event(online.user, "online"));
  }

  /** Reads the other nodes' accounts again, announcing who came and went meanwhile, and catches up on messages. */
  resync() {
    this.syncing ??= this.reload()
      .catch((e) => this.log.error("cluster resync failed", { error: String(e) }))
      .finally(() => (this.syncing = null));
    void this.catchUp();
  }

  private async reload() {
    const now = new Map<string, Map<string, RemoteUser>>();
    for (const { node, user } of await this.link.remoteUsers()) {
      if (node === this.node) continue;
      if (!now.has(node)) now.set(node, new Map());
      now.get(node)!.set(foldKey(user.nick), user);
    }
    for (const [node, users] of this.presence.remoteNodes()) {
      for (const [key, user] of [...users]) {
        if (now.get(node)?.has(key)) continue;
        this.presence.setRemote(node, user.nick, null);
        this.wentOffline(user);
      }
    }
    for (const [node, users] of now) {
      for (const user of users.values()) {
        const wasOnline = this.presence.isOnline(user.nick);
        this.presence.setRemote(node, user.nick, user);
        if (!wasOnline) this.presence.show(this.remoteEvent(user, "online"), this.rooms.audience(user.rooms.map((r) => r.id)));
      }
    }
  }

  /** Tells the others what changed on this node, with the account as it is here now. */
  private changed(event: PresenceEvent) {
    const online = this.presence.get(event.nick);
    const user: RemoteUser | null = online
      ? { nick: online.user.nick, status: online.user.status, note: online.user.statusNote, rooms: [...online.rooms.values()], sessions: online.sessions.size }
      : null;
    this.link.publish({ t: "presence", event, user }, { nick: event.nick, user });
  }

  private remoteChange(from: string, event: PresenceEvent, user: RemoteUser | null) {
    this.sameAccountHere(event, user);
    const wasOnline = this.presence.isOnline(event.nick);
    const before = this.presence.setRemote(from, event.nick, user);
    const online = this.presence.isOnline(event.nick);
    // Someone who was already here, or is still somewhere, neither came nor went.
    if (event.change === "online" && wasOnline) return;
    if (event.change === "offline" && online) return;
    const known = [...(user?.rooms ?? []), ...(before?.rooms ?? [])];
    const rooms = event.room ? known.filter((r) => r.name === event.room) : known;
    this.presence.show({ ...event, online }, this.rooms.audience(rooms.map((r) => r.id)));
  }

  /** The account has sessions here too: they follow its rooms and status. */
  private sameAccountHere(event: PresenceEvent, user: RemoteUser | null) {
    const here = this.presence.get(event.nick);
    if (!here) return;
    here.user.status = event.status;
    here.user.statusNote = event.note;
    const room = event.room && (user?.rooms.find((r) => r.name === event.room) ?? [...here.rooms.values()].find((r) => r.name === event.room));
    if (!room) return;
    const done = event.change === "joined" ? this.memberships.joinedElsewhere(event.nick, room)
      : event.change === "left" ? this.memberships.leftElsewhere(event.nick, room) : null;
    done?.catch((e) => this.log.error("cluster: membership change failed", { nick: event.nick, error: String(e) }));
  }

  private wentOffline(user: RemoteUser) {
    if (this.presence.isOnline(user.nick)) return;
    this.presence.show(this.remoteEvent(user, "offline"), this.rooms.audience(user.rooms.map((r) => r.id)));
  }

  private remoteEvent(user: RemoteUser, change: "online" | "offline"): PresenceEvent {
    return { type: "presence", change, nick: user.nick, online: change === "online", status: user.status, note: user.note };
  }
}
