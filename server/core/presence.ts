import type { OnlineUser, PresenceEvent } from "./events.ts";
import { foldKey } from "./names.ts";
import type { Session } from "./session.ts";
import type { RoomRef, Status, User } from "./types.ts";

/** An account online on another node of a cluster, as that node last said (see cluster.ts). */
export interface RemoteUser {
  nick: string;
  status: Status;
  note: string;
  rooms: RoomRef[];
  sessions: number;
}

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
  /** Accounts online on the other nodes of a cluster: node → folded nick → account. Empty alone. */
  private readonly remote = new Map<string, Map<string, RemoteUser>>();
  /** Told of every change to this node's accounts, to pass on to the other nodes (cluster.ts). */
  onChange: ((event: PresenceEvent) => void) | null = null;

  get size(): number {
    return this.online.size;
  }

  get(nick: string): Online | undefined {
    return this.online.get(foldKey(nick));
  }

  accounts(): IterableIterator<Online> {
    return this.online.values();
  }

  /** The nick of every account online, on this node and the others; an account on several nodes once. */
  *nicks(): Generator<string> {
    const seen = new Set<string>();
    for (const [key, o] of this.online) {
      seen.add(key);
      yield o.user.nick;
    }
    for (const users of this.remote.values()) {
      for (const [key, u] of users) {
        if (seen.has(key)) continue;
        seen.add(key);
        yield u.nick;
      }
    }
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

  /** Everyone online, on this node and the others; an account on several nodes once. */
  users(): OnlineUser[] {
    const all = new Map<string, OnlineUser>();
    for (const o of this.online.values()) {
      all.set(foldKey(o.user.nick), { nick: o.user.nick, status: o.user.status, note: o.user.statusNote, rooms: [...o.rooms.values()].map((r) => r.name) });
    }
    for (const users of this.remote.values()) {
      for (const [key, u] of users) {
        const seen = all.get(key);
        if (!seen) all.set(key, { nick: u.nick, status: u.status, note: u.note, rooms: u.rooms.map((r) => r.name) });
        else seen.rooms = [...new Set([...seen.rooms, ...u.rooms.map((r) => r.name)])];
      }
    }
    return [...all.values()]
      .sort((a, b) => a.nick.localeCompare(b.nick))
      .map((u) => ({ ...u, rooms: u.rooms.sort() }));
  }

  /** How many online accounts (on any node) are members of the room. */
  membersOnline(roomId: number): number {
    const keys = new Set<string>();
    for (const [key, o] of this.online) if (o.rooms.has(roomId)) keys.add(key);
    for (const users of this.remote.values()) {
      for (const [key, u] of users) if (u.rooms.some((r) => r.id === roomId)) keys.add(key);
    }
    return keys.size;
  }

  /** Whether the account has a session on this node or another. */
  isOnline(nick: string): boolean {
    return this.online.has(foldKey(nick)) || this.elsewhere(nick).length > 0;
  }

  /** The account as the other nodes it is online on last described it. */
  elsewhere(nick: string): RemoteUser[] {
    const key = foldKey(nick);
    const out: RemoteUser[] = [];
    for (const users of this.remote.values()) {
      const u = users.get(key);
      if (u) out.push(u);
    }
    return out;
  }

  /** Records what another node says of an account (null: it has no session there now); returns what it said before. */
  setRemote(node: string, nick: string, user: RemoteUser | null): RemoteUser | undefined {
    const key = foldKey(nick);
    let users = this.remote.get(node);
    const before = users?.get(key);
    if (user) {
      if (!users) this.remote.set(node, (users = new Map()));
      users.set(key, user);
    } else if (users?.delete(key) && users.size === 0) {
      this.remote.delete(node);
    }
    return before;
  }

  /** Forgets a node (stopped or dead); returns the accounts it had. */
  dropNode(node: string): RemoteUser[] {
    const users = [...(this.remote.get(node)?.values() ?? [])];
    this.remote.delete(node);
    return users;
  }

  /** Every other node's accounts, by node. */
  remoteNodes(): ReadonlyMap<string, ReadonlyMap<string, RemoteUser>> {
    return this.remote;
  }

  event(user: User, change: PresenceEvent["change"], room?: string): PresenceEvent {
    const online = this.isOnline(user.nick);
    const event: PresenceEvent = { type: "presence", change, nick: user.nick, online, status: user.status, note: user.statusNote };
    if (room) event.room = room;
    return event;
  }

  /**
   * A change to one of this node's accounts: to every app session and to the given audiences (a
   * room's viewers), once each, but not to `except`; and to the other nodes. An account that is
   * still online on another node neither came nor went for anyone watching.
   */
  announce(event: PresenceEvent, audiences: Iterable<Iterable<Session>> = [], except?: Set<Session>) {
    this.onChange?.(event);
    if ((event.change === "online" || event.change === "offline") && this.elsewhere(event.nick).length > 0) return;
    this.show(event, audiences, except);
  }

  /** Sends a presence event as it is: to every app session and the audiences, not to `except`. */
  show(event: PresenceEvent, audiences: Iterable<Iterable<Session>> = [], except?: Set<Session>) {
    const to = new Set(this.watchers);
    for (const audience of audiences) for (const s of audience) to.add(s);
    for (const s of to) if (!except?.has(s)) s.send(event);
  }
}
