import type { ClusterLink, ClusterListener, ControlEvent } from "./cluster-link.ts";
import type { Delivery } from "./delivery.ts";
import type { PresenceEvent } from "./events.ts";
import type { Log } from "./log.ts";
import type { Memberships } from "./memberships.ts";
import type { Moderation } from "./moderation.ts";
import type { ServerInfo } from "./motd.ts";
import { foldKey } from "./names.ts";
import type { Presence, RemoteUser } from "./presence.ts";
import type { RoomTable } from "./rooms.ts";
import type { ChatMessage } from "./types.ts";

export type { ClusterLink, ControlEvent, ForeignMessage, NodeInfo } from "./cluster-link.ts";

// Several nodes on one PostgreSQL (issue 16): what this node does with what the others store and
// say. Messages travel through the database: each node reads `id > cursor` in id order, which is
// commit order (the store takes a lock per batch), so no reader skips one. Everything else (who
// came, went or changed status, kicks, bans, announcements, the MOTD, deleted rooms) travels as control events.

const PAGE = 500;

export class Cluster implements ClusterListener {
  /** Every message up to here has been delivered (or was this node's own). */
  private cursor = 0;
  /** This node's stored ids past the cursor: delivered when stored, skipped when read back. */
  private readonly own = new Set<number>();
  private readonly storing = new Set<Promise<unknown>>();
  private catching: Promise<void> | null = null;
  private again = false;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly link: ClusterLink,
    private readonly presence: Presence,
    private readonly rooms: Pick<RoomTable, "audience">,
    private readonly delivery: Pick<Delivery, "deliver">,
    private readonly moderation: Pick<Moderation, "dropHere" | "announceHere">,
    private readonly memberships: Pick<Memberships, "joinedElsewhere" | "leftElsewhere" | "topicSetElsewhere" | "roomDeleted">,
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
    const untrack = () => this.storing.delete(tracked);
    tracked.then(untrack, untrack);
    return tracked;
  }

  committed(from: string, first: number, last: number) {
    // Wake-ups come in commit order, which is id order: this node's own batch right after the
    // cursor needs no reading back.
    if (from === this.node && !this.catching && first === this.cursor + 1 && last >= first) {
      for (let id = first; id <= last; id++) this.own.delete(id);
      this.cursor = last;
      return;
    }
    this.catchUp();
  }

  poll() {
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

  private async read() {
    do {
      this.again = false;
      for (;;) {
        const page = await this.link.messagesAfter(this.cursor, PAGE);
        // A batch of this node's may be in the page before its insert has answered: wait for it,
        // so its ids are known as this node's own.
        await Promise.allSettled([...this.storing]);
        for (const { message, sent } of page) {
          if (message.id <= this.cursor) continue;
          this.cursor = message.id;
          if (this.own.delete(message.id)) continue;
          try {
            this.delivery.deliver(message, sent);
          } catch (e) {
            this.log.error("delivery failed", { error: String(e) });
          }
        }
        if (page.length < PAGE) break;
      }
    } while (this.again);
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
