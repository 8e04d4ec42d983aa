import type { OnlineUser, PresenceEvent } from "./events.ts";
import type { RoomState } from "./rooms.ts";
import type { Session } from "./session.ts";
import { foldKey } from "./store.ts";
import type { User } from "./types.ts";

/** An account with at least one session. Sessions of one account share this. */
export interface Online {
  user: User;
  sessions: Set<Session>;
  /** Highest private message id shown to this account, persisted at logout. */
  pmSeen: number;
  lastPrivateFrom: string | null;
}

/** Who is online, and who hears about it: the rooms they are in, and every presence watcher. */
export class Presence {
  readonly online = new Map<string, Online>();
  /** Sessions that keep a live list of everyone online (the web client). */
  private readonly watchers = new Set<Session>();

  get(nick: string): Online | undefined {
    return this.online.get(foldKey(nick));
  }

  /** Registers an authenticated session as online; returns its account's shared state. */
  add(session: Session, user: User): { online: Online; first: boolean } {
    const key = foldKey(user.nick);
    let online = this.online.get(key);
    const first = !online;
    if (!online) {
      online = { user, sessions: new Set(), pmSeen: user.pmReadId, lastPrivateFrom: null };
      this.online.set(key, online);
    }
    online.sessions.add(session);
    session.user = online.user;
    if (session.watchesPresence) this.watchers.add(session);
    if (first) this.announce(this.event(online.user, "online"));
    return { online, first };
  }

  /** Takes an ending session out of the online set; returns its account's state, if it had one. */
  remove(session: Session): Online | undefined {
    this.watchers.delete(session);
    const key = session.user ? foldKey(session.user.nick) : "";
    const online = this.online.get(key);
    online?.sessions.delete(session);
    if (online?.sessions.size === 0) this.online.delete(key);
    return online;
  }

  users(): OnlineUser[] {
    return [...this.online.values()]
      .sort((a, b) => a.user.nick.localeCompare(b.user.nick))
      .map((o) => ({
        nick: o.user.nick,
        status: o.user.status,
        note: o.user.statusNote,
        rooms: [...new Set([...o.sessions].flatMap((s) => (s.room ? [s.room.name] : [])))],
      }));
  }

  event(user: User, change: PresenceEvent["change"], room?: string): PresenceEvent {
    const online = this.online.has(foldKey(user.nick));
    const event: PresenceEvent = { type: "presence", change, nick: user.nick, online, status: user.status, note: user.statusNote };
    if (room) event.room = room;
    return event;
  }

  /** To the members of the given rooms (joins, leaves, statuses) and to every presence watcher, once each. */
  announce(event: PresenceEvent, ...rooms: RoomState[]) {
    const to = new Set(this.watchers);
    for (const state of rooms) for (const s of state.members) to.add(s);
    for (const s of to) s.send(event);
  }
}
