import type { Session } from "./session.ts";
import { foldKey, type Store } from "./store.ts";
import type { Room, User } from "./types.ts";

/** The room every session starts in. */
export const LOBBY = "#lobby";

export interface RoomState {
  room: Room;
  members: Set<Session>;
}

/** Rooms that have someone in them right now, and who. A room with nobody in it is only in the store. */
export class RoomTable {
  private readonly byKey = new Map<string, RoomState>();

  get(name: string): RoomState | undefined {
    return this.byKey.get(foldKey(name));
  }

  /** The live state of a room, creating the room in the store when it is new. */
  async open(store: Store, name: string, createdBy: number): Promise<RoomState> {
    const key = foldKey(name);
    let state = this.byKey.get(key);
    if (!state) {
      const room = await store.ensureRoom(name, createdBy);
      // Another session may have opened it while we waited.
      state = this.byKey.get(key) ?? { room, members: new Set() };
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
    if (state.members.size === 0) this.byKey.delete(foldKey(room.name));
    return hasUser(state, session.user!) ? null : state;
  }

  /** Puts the session in the room; returns true when it is the account's first session there. */
  add(session: Session, state: RoomState): boolean {
    const first = !hasUser(state, session.user!);
    state.members.add(session);
    session.room = state.room;
    return first;
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
