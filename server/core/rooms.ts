import type { ChatEvent } from "./events.ts";
import type { Session } from "./session.ts";
import type { RoomRef } from "./types.ts";

/** The room every account starts in. */
export const LOBBY = "#lobby";

/** Sends one event to every connection of a transport that is subscribed to `topic`. */
export type Publisher = (topic: string, event: ChatEvent) => void;

export interface RoomState {
  room: RoomRef;
  /** The room's topic on a transport's fan-out: by id, so names that differ only in case never share one. */
  topic: string;
  /** Sessions shown the room's messages live: its members' app sessions, and terminals whose current room it is. */
  viewers: Set<Session>;
  /**
   * Viewers sent the room's messages one by one: those whose transport has no fan-out, and those
   * still holding events for a replay. The other viewers hear them on the room's topic.
   */
  direct: Set<Session>;
  /** The last message delivered here: a viewer that stops viewing has been shown everything up to it. */
  lastId: number;
}

/** Rooms that someone is viewing right now, and who. A room nobody views is only in the store. */
export class RoomTable {
  private readonly byId = new Map<number, RoomState>();
  private readonly bySession = new Map<Session, Set<RoomState>>();
  private readonly publishers = new Map<string, Publisher>();

  get(roomId: number): RoomState | undefined {
    return this.byId.get(roomId);
  }

  /** A transport that fans a room's messages out itself; its sessions with `sink.topics` use it. */
  publishVia(transport: string, publish: Publisher) {
    this.publishers.set(transport, publish);
  }

  /** Shows the room to the session from now on, one by one until subscribe(). */
  view(session: Session, room: RoomRef): RoomState {
    let state = this.byId.get(room.id);
    if (!state) {
      state = { room, topic: `room:${room.id}`, viewers: new Set(), direct: new Set(), lastId: 0 };
      this.byId.set(room.id, state);
    }
    if (!state.viewers.has(session)) {
      state.viewers.add(session);
      state.direct.add(session);
      let views = this.bySession.get(session);
      if (!views) this.bySession.set(session, (views = new Set()));
      views.add(state);
    }
    return state;
  }

  /** Stops showing the room to the session; returns its state as it was, if the session viewed it. */
  unview(session: Session, roomId: number): RoomState | undefined {
    const state = this.byId.get(roomId);
    if (!state?.viewers.delete(session)) return undefined;
    if (!state.direct.delete(session)) session.sink.topics?.unsubscribe(state.topic);
    const views = this.bySession.get(session)!;
    views.delete(state);
    if (views.size === 0) this.bySession.delete(session);
    if (state.viewers.size === 0) this.byId.delete(roomId);
    return state;
  }

  /** Stops showing every room to the session (it is going); returns what it viewed. */
  unviewAll(session: Session): RoomState[] {
    const states = [...(this.bySession.get(session) ?? [])];
    for (const state of states) this.unview(session, state.room.id);
    return states;
  }

  viewing(session: Session, roomId: number): boolean {
    return this.byId.get(roomId)?.viewers.has(session) ?? false;
  }

  /**
   * The session shows live events from now on (its replay has been sent): when its transport has a
   * fan-out, the rooms it views reach it on their topics instead of one by one.
   */
  subscribe(session: Session) {
    const topics = session.sink.topics;
    if (!topics || session.closed || session.holding || !this.publishers.has(session.sink.transport)) return;
    for (const state of this.bySession.get(session) ?? []) {
      if (state.direct.delete(session)) topics.subscribe(state.topic);
    }
  }

  /**
   * Sends an event to every viewer: once per transport with a fan-out, then to the other viewers
   * one by one. Returns how many viewers it was sent to.
   */
  broadcast(state: RoomState, event: ChatEvent): number {
    if (state.direct.size < state.viewers.size) {
      for (const publish of this.publishers.values()) publish(state.topic, event);
    }
    for (const s of state.direct) s.send(event);
    return state.viewers.size;
  }

  /** Who hears about people in these rooms (joins, statuses, going offline): the sessions showing them. */
  audience(roomIds: Iterable<number>): Set<Session>[] {
    const out: Set<Session>[] = [];
    for (const id of roomIds) {
      const state = this.byId.get(id);
      if (state) out.push(state.viewers);
    }
    return out;
  }

  /** How many rooms someone is viewing. */
  get size(): number {
    return this.byId.size;
  }
}
