import type { Ban, ChatMessage, NewMessage, Profile, Room, Status, User } from "./types.ts";

/**
 * Everything the chat keeps. Two drivers implement it (embedded PGlite and a real
 * PostgreSQL server) with the same SQL, and both pass server/store/store.suite.ts.
 */
export interface Store {
  readonly kind: "embedded" | "postgres";
  /** Applies pending migrations; returns how many were applied. Safe to call repeatedly. */
  migrate(): Promise<number>;

  findUser(nick: string): Promise<User | null>;
  /** Throws NickTakenError when the nick is taken (case-insensitively). */
  createUser(nick: string, passwordHash: string): Promise<User>;
  setPassword(userId: number, passwordHash: string): Promise<void>;
  setStatus(userId: number, status: Status, note: string): Promise<void>;
  /** Records a logout: last seen now, and the highest private message id the user was shown. */
  markSeen(userId: number, pmReadId: number): Promise<void>;
  profile(nick: string): Promise<Profile | null>;

  findRoom(name: string): Promise<Room | null>;
  /** Returns the room, creating it when missing. */
  ensureRoom(name: string, createdBy: number | null): Promise<Room>;
  listRooms(): Promise<Room[]>;

  /** Stores messages in one round trip. Ids rise in the order given. */
  insertMessages(batch: NewMessage[]): Promise<ChatMessage[]>;
  /** The last `limit` messages of a room, oldest first, optionally before an id. */
  roomHistory(roomId: number, limit: number, beforeId?: number): Promise<ChatMessage[]>;
  /** The last `limit` private messages between two users, oldest first. */
  conversation(userA: number, userB: number, limit: number, beforeId?: number): Promise<ChatMessage[]>;
  /** Private messages to a user with ids above `afterId`, oldest first. */
  privateSince(userId: number, afterId: number, limit: number): Promise<{ messages: ChatMessage[]; total: number }>;
  /** What a reconnecting session missed: the room's messages and the user's private ones (both ways) after `afterId`; the last `limit` of them, oldest first. */
  messagesSince(userId: number, roomId: number, afterId: number, limit: number): Promise<ChatMessage[]>;
  /** Total messages stored. */
  countMessages(): Promise<number>;

  /** Bans `nick` (any case), replacing an earlier ban of it. */
  addBan(ban: Omit<Ban, "createdAt">): Promise<Ban>;
  /** Lifts a ban; false when there was none in force. */
  removeBan(nick: string): Promise<boolean>;
  /** The ban in force for `nick` at `now`, if any. */
  activeBan(nick: string, now: Date): Promise<Ban | null>;
  /** Bans in force at `now`, by nick. */
  listBans(now: Date): Promise<Ban[]>;
  /** Operator settings that outlive a restart; null when never set. */
  getSetting(key: string): Promise<string | null>;
  /** Sets a setting, or clears it with null. */
  setSetting(key: string, value: string | null): Promise<void>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

export class NickTakenError extends Error {
  constructor(nick: string) {
    super(`Nick "${nick}" is taken`);
  }
}

/** Case-insensitive identity of a nick or room name. */
export function foldKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}
