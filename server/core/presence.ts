import type { OnlineUser, PresenceEvent } from "./events.ts";
import { foldKey } from "./names.ts";
import type { Session } from "./session.ts";
import type { RoomRef, User } from "./types.ts";

/** An account with at least one session. Sessions of one account share this. */
export interface Online {
  user: User;
  sessions: Set<Session>;
  /** The account's rooms, by id, kept while it is online. */
  rooms: Map<number, RoomRef>;
  lastPrivateFrom: string | null;
}

/** Who is online, and who hears about it: the rooms' viewers, and every app session (its user list). */
export class Presence {
  private readonly online = new Map<string, Online>();
  /** Sessions that keep a live list of everyone online (the web client). */
  private readonly watchers = new Set<Session>();

  get size(): number {
    return this.online.size;
  }

  get(nick: string): Online | undefined {
    return this.online.get(foldKey(nick));
  }

  accounts(): IterableIterator<Online> {
    return this.online.values();
  }

  /** Registers an authenticated session as online; `first` when the account had no other. */
  add(session: Session, user: User, rooms: RoomRef[]): { online: Online; first: boolean } {
    const key = foldKey(user.nick);
    let online = this.online.get(key);
    const first = !online;
    if (!online) {
      online = { user, sessions: new Set(), rooms: new Map(rooms.map((r) => [r.id, r])), lastPrivateFrom: null };
      this.online.set(key, online);
    }
    online.sessions.add(session);
    session.user = online.user;
    if (session.seesAllRooms) this.watchers.add(session);
    return { online, first };
  }

  /** Takes an ending session out of the online set; returns its account's state, if it had one. */
  remove(session: Session): Online | undefined {
    this.watchers.delete(session);
    const key = session.user ? foldKey(session.user.nick) : "";
    const online = this.online.get(key);
    if (!online?.sessions.delete(session)) return undefined;
    if (online.sessions.size === 0) this.online.delete(key);
    return online;
  }

  users(): OnlineUser[] {
    return [...this.online.values()]
      .sort((a, b) => a.user.nick.localeCompare(b.user.nick))
      .map((o) => ({
        nick: o.user.nick,
        status: o.user.status,
        note: o.user.statusNote,
        rooms: [...o.rooms.values()].map((r) => r.name).sort(),
      }));
  }

  /** How many online accounts are members of the room. */
  membersOnline(roomId: number): number {
    let n = 0;
    for (const o of this.online.values()) if (o.rooms.has(roomId)) n++;
    return n;
  }

  event(user: User, change: PresenceEvent["change"], room?: string): PresenceEvent {
    const online = this.online.has(foldKey(user.nick));
    const event: PresenceEvent = { type: "presence", change, nick: user.nick, online, status: user.status, note: user.statusNote };
    if (room) event.room = room;
    return event;
  }

  /** To every app session and to the given audiences (a room's viewers), once each, but not to `except`. */
  announce(event: PresenceEvent, audiences: Iterable<Iterable<Session>> = [], except?: Set<Session>) {
    const to = new Set(this.watchers);
    for (const audience of audiences) for (const s of audience) to.add(s);
    for (const s of to) if (!except?.has(s)) s.send(event);
  }
}
