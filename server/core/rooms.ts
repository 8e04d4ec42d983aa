import type { ChatEvent } from "./events.ts";
import type { Session } from "./session.ts";
import { foldKey, type Store } from "./store.ts";
import type { Room, User } from "./types.ts";

/** The room every session starts in. */
export const LOBBY = "#lobby";

/** Sends one event to every connection of a transport that is subscribed to `topic`. */
export type Publisher = (topic: string, event: ChatEvent) => void;

export interface RoomState {
  room: Room;
  /** The room's topic on a transport's fan-out: by id, so names that differ only in case never share one. */
  topic: string;
  members: Set<Session>;
  /**
   * Members sent the room's messages one by one: those whose transport has no fan-out, and those
   * still holding events for a replay. The other members hear them on the room's topic.
   */
  direct: Set<Session>;
}

/** Rooms that have someone in them right now, and who. A room with nobody in it is only in the store. */
export class RoomTable {
  private readonly byKey = new Map<string, RoomState>();
  private readonly publishers = new Map<string, Publisher>();

  get(name: string): RoomState | undefined {
    return this.byKey.get(foldKey(name));
  }

  /** A transport that fans a room's messages out itself; its sessions with `sink.topics` use it. */
  publishVia(transport: string, publish: Publisher) {
    this.publishers.set(transport, publish);
  }

  /** The live state of a room, creating the room in the store when it is new. */
  async open(store: Store, name: string, createdBy: number): Promise<RoomState> {
    const key = foldKey(name);
    let state = this.byKey.get(key);
    if (!state) {
      const room = await store.ensureRoom(name, createdBy);
      // Another session may have opened it while we waited.
      state = this.byKey.get(key) ?? { room, topic: `room:${room.id}`, members: new Set(), direct: new Set() };
      this.byKey.set(key, state);
    }
    return state;
  }

  /** Takes the session out of its room; returns the room when the account has no session left there. */
  remove(session: Session): RoomState | null {
    const room = session.room;
    if (!room) return null;
    session.room = null;
    const state = this.get(room.name);
    if (!state) return null;
    state.members.delete(session);
    if (!state.direct.delete(session)) session.sink.topics?.unsubscribe(state.topic);
    if (state.members.size === 0) this.byKey.delete(foldKey(room.name));
    return hasUser(state, session.user!) ? null : state;
  }

  /** Puts the session in the room; returns true when it is the account's first session there. */
  add(session: Session, state: RoomState): boolean {
    const first = !hasUser(state, session.user!);
    state.members.add(session);
    // Sent one by one until subscribe(): a joining session holds live events while its replay loads.
    state.direct.add(session);
    session.room = state.room;
    return first;
  }

  /**
   * The session shows live events from now on (its replay has been sent): when its transport has a
   * fan-out, the room's messages reach it on the room's topic instead of one by one.
   */
  subscribe(session: Session) {
    const topics = session.sink.topics;
    if (!topics || session.closed || session.holding || !this.publishers.has(session.sink.transport)) return;
    const state = session.room && this.get(session.room.name);
    if (state?.direct.delete(session)) topics.subscribe(state.topic);
  }

  /**
   * Sends an event to every member: once per transport with a fan-out, then to the other members
   * one by one. Returns how many members it was sent to.
   */
  broadcast(state: RoomState, event: ChatEvent): number {
    if (state.direct.size < state.members.size) {
      for (const publish of this.publishers.values()) publish(state.topic, event);
    }
    for (const s of state.direct) s.send(event);
    return state.members.size;
  }

  /** How many distinct users are in a room right now. */
  userCount(name: string): number {
    const state = this.get(name);
    return state ? new Set([...state.members].map((s) => s.user!.id)).size : 0;
  }
}

function hasUser(state: RoomState, user: User) {
  for (const s of state.members) if (s.user!.id === user.id) return true;
  return false;
}
