import type { ClusterLink } from "./cluster-link.ts";
import { fail } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import { TOPIC_MAX_BYTES, type Limits } from "./limits.ts";
import type { Log } from "./log.ts";
import { validateRoomName } from "./names.ts";
import { notice, type Notice } from "./notices.ts";
import type { Online, Presence } from "./presence.ts";
import { membership, type Reads } from "./reads.ts";
import { LOBBY, type RoomTable } from "./rooms.ts";
import type { Session } from "./session.ts";
import type { Store } from "./store.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import type { Membership, RoomRef } from "./types.ts";

/**
 * Rooms a user belongs to (any number, stored, so every device comes back with them) and the
 * room each session is in. An app session shows all of the user's rooms; a terminal shows its
 * current room, replaying what it has not seen when it arrives there.
 */
export class Memberships {
  constructor(
    private readonly store: Store,
    private readonly rooms: RoomTable,
    private readonly presence: Presence,
    private readonly reads: Reads,
    private readonly limits: Pick<Limits, "historyDefault" | "historyMax">,
    private readonly log: Log,
    /** The other nodes, when this one is part of a cluster: a topic set here is heard there too. */
    private readonly cluster: Pick<ClusterLink, "publish"> | null = null,
  ) {}

  /** The account's rooms with their counts; an account in none (new, or older than rooms) joins the lobby. */
  async load(userId: number): Promise<Membership[]> {
    const list = await this.store.memberships(userId);
    if (list.length > 0) return list;
    const lobby = await this.store.ensureRoom(LOBBY, null);
    await this.store.join(userId, lobby.id);
    return this.store.memberships(userId);
  }

  /** `/join`: becomes a member if need be (telling the room), and makes it the session's current room. */
  async join(session: Session, name: string) {
    const user = session.user!;
    const room = await this.store.ensureRoom(validateRoomName(name), user.id);
    const online = this.presence.get(user.nick);
    // Gone while the room was looked up: nothing to join for.
    if (session.closed || !online) return;
    if (!online.rooms.has(room.id)) {
      const added = await this.store.join(user.id, room.id);
      const counts = await this.store.readState(user.id, { roomId: room.id });
      if (session.closed) return;
      online.rooms.set(room.id, { id: room.id, name: room.name });
      const ref = online.rooms.get(room.id)!;
      // The account's own sessions hear it as a membership event instead.
      if (added) this.presence.announce(this.presence.event(user, "joined", room.name), this.rooms.audience([room.id]), online.sessions);
      for (const s of online.sessions) {
        s.send({ type: "membership", room: room.name, joined: true, state: { room: room.name, ...counts } });
        // The joining session is shown the room by switchTo, replay first; the account's other apps now.
        if (s.seesAllRooms && s !== session) {
          this.rooms.view(s, ref);
          this.rooms.subscribe(s);
        }
      }
    } else if (session.room?.id === room.id) {
      throw fail("already_in", { room: room.name });
    }
    await this.switchTo(session, online.rooms.get(room.id)!);
  }

  /** `/leave`: ends a membership (not the last one); sessions that were in it move to another room. */
  async leave(session: Session, name?: string) {
    const user = session.user!;
    const online = this.presence.get(user.nick);
    const room = name === undefined ? session.room : membership(online, name);
    if (!online || !room) throw fail("not_member", { room: name ?? "" });
    if (online.rooms.size === 1) throw fail("last_room", { room: room.name });
    await this.store.leave(user.id, room.id);
    if (!online.rooms.delete(room.id)) return;
    this.presence.announce(this.presence.event(user, "left", room.name), this.rooms.audience([room.id]), online.sessions);
    await this.moveOut(online, room);
  }

  /** The account joined a room on another node of a cluster: its sessions here show it too. */
  async joinedElsewhere(nick: string, room: RoomRef) {
    const online = this.presence.get(nick);
    if (!online || online.rooms.has(room.id)) return;
    online.rooms.set(room.id, room);
    const counts = await this.store.readState(online.user.id, { roomId: room.id });
    for (const s of online.sessions) {
      s.send({ type: "membership", room: room.name, joined: true, state: { room: room.name, ...counts } });
      if (s.seesAllRooms) {
        this.rooms.view(s, room);
        this.rooms.subscribe(s);
      }
    }
  }

  /** The account left a room on another node: its sessions here stop showing it. */
  async leftElsewhere(nick: string, room: RoomRef) {
    const online = this.presence.get(nick);
    if (!online || online.rooms.size === 1 || !online.rooms.delete(room.id)) return;
    await this.moveOut(online, room);
  }

  /**
   * The operator deleted a room (here or on another node): every account online here that was in
   * it is told, in its language, and its sessions leave it; one for which it was the only room
   * joins the lobby first, as a new account does. Never throws: one account's failure is logged.
   */
  async roomDeleted(room: RoomRef) {
    for (const online of [...this.presence.accounts()]) {
      if (!online.rooms.has(room.id)) continue;
      try {
        for (const s of online.sessions) s.send({ type: "notice", notice: notice("room_deleted", { room: room.name }) });
        if (online.rooms.size === 1) {
          const lobby = await this.store.ensureRoom(LOBBY, null);
          await this.store.join(online.user.id, lobby.id);
          await this.joinedElsewhere(online.user.nick, { id: lobby.id, name: lobby.name });
        }
        if (online.rooms.delete(room.id)) await this.moveOut(online, room);
      } catch (e) {
        this.log.error("move out of a deleted room failed", { nick: online.user.nick, room: room.name, error: String(e) });
      }
    }
  }

  /** The account's sessions stop showing a room it left; those that were in it move to another. */
  private async moveOut(online: Online, room: RoomRef) {
    const next = [...online.rooms.values()].find((r) => r.name === LOBBY) ?? online.rooms.values().next().value!;
    for (const s of [...online.sessions]) {
      s.send({ type: "membership", room: room.name, joined: false });
      this.stopViewing(s, room.id);
      if (s.room?.id !== room.id) continue;
      // Another device of the account: its own errors are its own.
      await this.switchTo(s, next).catch((e) => this.log.error("move after leave failed", { session: s.id, error: String(e) }));
    }
  }

  /** The topic of one of the user's rooms, as a notice. */
  async showTopic(session: Session, name: string): Promise<Notice> {
    const room = membership(this.presence.get(session.user!.nick), name);
    if (!room) throw fail("not_member", { room: name });
    const topic = await this.store.roomTopic(room.id);
    return topic ? notice("topic_is", { room: room.name, topic }) : notice("topic_none", { room: room.name });
  }

  /** Sets (or with "" clears) a room's topic; a member may, and everyone shown the room hears it. */
  async setTopic(session: Session, name: string, text: string) {
    const user = session.user!;
    const room = membership(this.presence.get(user.nick), name);
    if (!room) throw fail("not_member", { room: name });
    const topic = cleanText(text).replace(/\s+/g, " ").trim();
    if (exceedsBytes(topic, TOPIC_MAX_BYTES)) throw fail("too_long", { max: TOPIC_MAX_BYTES });
    await this.store.setTopic(room.id, topic);
    this.cluster?.publish({ t: "topic", room: { id: room.id, name: room.name }, nick: user.nick, topic });
    this.tellTopic(room, user.nick, topic, session);
  }

  /** A topic set on another node of a cluster: this node's sessions shown the room hear it. */
  topicSetElsewhere(room: RoomRef, nick: string, topic: string) {
    this.tellTopic(room, nick, topic);
  }

  /** Tells everyone shown the room (and the setter, who may not be) who set or cleared its topic. */
  private tellTopic(room: RoomRef, nick: string, topic: string, setter?: Session) {
    const told = topic ? notice("topic_set", { room: room.name, nick, topic }) : notice("topic_cleared", { room: room.name, nick });
    const viewers = new Set(this.rooms.get(room.id)?.viewers ?? []);
    if (setter) viewers.add(setter);
    for (const s of viewers) s.send({ type: "notice", notice: told });
  }

  /**
   * Makes `room` the session's current room and shows its recent messages: a terminal stops
   * showing the room it was in and is shown this one's recent messages, or all it has not read,
   * up to the history maximum; an app, which shows every room, gets the recent ones to fill a view
   * it may never have loaded. A room the session did not show yet is replayed before anything
   * live of it, with nothing twice.
   */
  async switchTo(session: Session, room: RoomRef) {
    const previous = session.room;
    session.room = room;
    const terminal = !session.seesAllRooms;
    if (terminal && previous && previous.id !== room.id) this.stopViewing(session, previous.id);
    session.hold();
    const state = this.rooms.view(session, room);
    try {
      const { unread } = terminal ? await this.store.readState(session.user!.id, { roomId: room.id }) : { unread: 0 };
      const count = Math.min(Math.max(unread, this.limits.historyDefault), this.limits.historyMax);
      const [shown, topic] = await Promise.all([this.store.roomHistory(room.id, count), this.store.roomTopic(room.id)]);
      state.lastId = Math.max(state.lastId, shown.at(-1)?.id ?? 0);
      const replay: ChatEvent[] = [
        { type: "room", room: room.name },
        { type: "history", target: { room: room.name }, reason: "recent", messages: shown, ...(terminal ? { unread: Math.min(unread, shown.length) } : {}) },
      ];
      if (topic) replay.push({ type: "notice", notice: notice("topic_is", { room: room.name, topic }) });
      const ids = new Set(shown.map((m) => m.id));
      session.release(replay, (m) => ids.has(m.id));
    } catch (e) {
      session.release([], () => false);
      throw e;
    } finally {
      // Only now, with the replay and the held events sent, may the room's messages come on a topic:
      // published earlier, they would pass the replay. Nothing is delivered between release and here.
      this.rooms.subscribe(session);
    }
  }

  /** A terminal has read its current room up to what it was shown: stored now, before counts are read. */
  async settle(session: Session) {
    const state = !session.seesAllRooms && session.room ? this.rooms.get(session.room.id) : undefined;
    if (state && state.lastId > 0) await this.store.markRead(session.user!.id, { roomId: state.room.id }, state.lastId);
  }

  /** Who hears about the account's changes (online, offline): the sessions showing its rooms. */
  audience(roomIds: Iterable<number>) {
    return this.rooms.audience(roomIds);
  }

  /** The session stops showing a room; a terminal has read what it was shown there. */
  stopViewing(session: Session, roomId: number) {
    const state = this.rooms.unview(session, roomId);
    if (state && !session.seesAllRooms) this.reads.shownRoom(session.user!, state);
  }

  /** The session is going: it stops showing every room. */
  stopViewingAll(session: Session) {
    for (const state of this.rooms.unviewAll(session)) {
      if (!session.seesAllRooms && session.user) this.reads.shownRoom(session.user, state);
    }
  }
}
