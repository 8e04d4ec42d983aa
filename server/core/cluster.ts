import type { ClusterLink, ClusterListener, ControlEvent, StoredBatch } from "./cluster-link.ts";
import { ClusterMessages } from "./cluster-messages.ts";
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
// say. Messages travel through the database (cluster-messages.ts); everything else (who came, went
// or changed status, kicks, bans, announcements, the MOTD, deleted rooms) travels as control events.

export class Cluster implements ClusterListener {
  private readonly messages: ClusterMessages;
  private syncing: Promise<void> | null = null;

  constructor(
    private readonly link: ClusterLink,
    private readonly presence: Presence,
    private readonly rooms: Pick<RoomTable, "audience">,
    delivery: Pick<Delivery, "deliver">,
    private readonly moderation: Pick<Moderation, "dropHere" | "announceHere">,
    private readonly memberships: Pick<Memberships, "joinedElsewhere" | "leftElsewhere" | "topicSetElsewhere" | "roomDeleted">,
    private readonly reads: Pick<Reads, "readElsewhere">,
    private readonly info: ServerInfo,
    private readonly log: Log,
  ) {
    this.messages = new ClusterMessages(link, delivery, log);
    presence.onChange = (event) => this.changed(event);
  }

  get node() {
    return this.link.node;
  }

  async start() {
    await this.messages.start();
    await this.link.start(this);
  }

  stop() {
    return this.link.stop();
  }

  /** Stores a batch through `insert`, remembering its ids so they are not delivered twice. */
  store(insert: Promise<ChatMessage[]>): Promise<ChatMessage[]> {
    return this.messages.store(insert);
  }

  /** Delivers a message this node stored, after the held messages of other nodes that precede it. */
  deliverOwn(stored: ChatMessage, sent: NewMessage) {
    this.messages.deliverOwn(stored, sent);
  }

  committed(batch: StoredBatch) {
    this.messages.committed(batch);
  }

  poll() {
    this.messages.poll();
  }

  /** Reads and delivers every message after the last one delivered. */
  catchUp(): Promise<void> {
    return this.messages.catchUp();
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
