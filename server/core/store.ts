import type { Log } from "./log.ts";
import type {
  Ban, ChatMessage, Membership, NewMessage, PrivateUnread, Profile, Room, RoomListing, RoomRef, Status, User, UserSettings,
} from "./types.ts";

/** A read marker's conversation, by id. */
export type ReadTarget = { roomId: number } | { peerId: number };

/**
 * Everything the chat keeps. Two drivers implement it (embedded PGlite and a real
 * PostgreSQL server) with the same SQL, and both pass server/store/store.suite.ts.
 */
export interface Store {
  readonly kind: "embedded" | "postgres";
  /** Applies pending migrations (up to a version, or all); returns how many were applied. Safe to call repeatedly. */
  migrate(upTo?: number): Promise<number>;
  /** How many migrations migrate() would apply; one cheap query, so a start can say when it will be slow. */
  pendingMigrations(): Promise<number>;
  /** Where the store logs the failures of its background work (the search indexer); stderr until told. */
  reportTo(log: Log): void;

  findUser(nick: string): Promise<User | null>;
  /** The accounts among folded nicks (see foldKey); unknown ones are left out. */
  findUsers(keys: string[]): Promise<{ id: number; nick: string }[]>;
  /**
   * Throws NickTakenError when the nick is taken (case-insensitively), or when `skeleton` (see
   * nickSkeleton) is another account's: then the error names that account.
   */
  createUser(nick: string, passwordHash: string, skeleton?: string): Promise<User>;
  /** The account whose nick has this skeleton, if any. */
  findBySkeleton(skeleton: string): Promise<{ id: number; nick: string } | null>;
  /**
   * Gives every account without a skeleton its own, unless another account has it already (an
   * old look-alike: it keeps working). Returns how many were filled in.
   */
  fillSkeletons(skeleton: (nick: string) => string): Promise<number>;
  /** Every account's id and nick, for checks over all of them (look-alikes). */
  allNicks(): Promise<{ id: number; nick: string }[]>;
  /** Accounts whose folded nick contains `pattern` (every one when empty), by nick, at most `limit`. */
  listAccounts(pattern: string, limit: number): Promise<AccountListing[]>;
  /** Gives the account another nick; NickTakenError when it, or its skeleton, is another account's. */
  renameUser(userId: number, nick: string, skeleton: string): Promise<void>;
  /**
   * Removes an account. Its messages stay, shown as from DELETED_NICK, unless `purge`: then they
   * go too, with the private messages sent to it.
   */
  deleteUser(userId: number, purge: boolean): Promise<void>;
  /** Counts a wrong password given for the account. */
  addFailedLogin(userId: number): Promise<void>;
  /** The wrong passwords counted since the last call (the last successful login), and starts again from 0. */
  takeFailedLogins(userId: number): Promise<number>;
  setPassword(userId: number, passwordHash: string): Promise<void>;
  setStatus(userId: number, status: Status, note: string): Promise<void>;
  setSettings(userId: number, settings: UserSettings): Promise<void>;
  /** Records a logout: last seen now. */
  markSeen(userId: number): Promise<void>;
  profile(nick: string): Promise<Profile | null>;

  findRoom(name: string): Promise<Room | null>;
  /** Returns the room, creating it when missing. */
  ensureRoom(name: string, createdBy: number | null): Promise<Room>;
  /** A room's topic; '' when it has none. */
  roomTopic(roomId: number): Promise<string>;
  setTopic(roomId: number, topic: string): Promise<void>;
  /** Every room with its number of members, by name. */
  listRooms(): Promise<RoomListing[]>;
  /** Rooms whose folded name contains `pattern` (every one when empty), by name, at most `limit`, with their figures. */
  roomStats(pattern: string, limit: number): Promise<RoomStats[]>;
  /** Removes a room with its memberships, read markers, messages and their mentions. */
  deleteRoom(roomId: number): Promise<void>;
  /**
   * Removes, as deleteRoom does, every room but `keep` that has no members and neither was made
   * nor had a message since `idleSince`; returns them.
   */
  pruneRooms(idleSince: Date, keep: string): Promise<RoomRef[]>;

  /** The user's rooms with their unread and mention counts (each at most UNREAD_COUNT_CAP). */
  memberships(userId: number): Promise<Membership[]>;
  /** Makes the user a member, with everything already in the room read; false when already one. */
  join(userId: number, roomId: number): Promise<boolean>;
  /** Ends a membership; false when there was none. */
  leave(userId: number, roomId: number): Promise<boolean>;
  /** Moves a read marker forward (never back). */
  markRead(userId: number, target: ReadTarget, messageId: number): Promise<void>;
  /** A conversation's read marker and counts now. */
  readState(userId: number, target: ReadTarget): Promise<{ readId: number; unread: number; mentions: number }>;
  /** The user's private conversations: every one with unread messages, and the `recent` latest; newest first. */
  privateConversations(userId: number, recent: number): Promise<PrivateUnread[]>;
  /** Unread private messages to the user: the last `limit`, oldest first, and how many there are. */
  unreadPrivateMessages(userId: number, limit: number): Promise<{ messages: ChatMessage[]; total: number }>;

  /** Stores messages and their mentions in one round trip. Ids rise in the order given. */
  insertMessages(batch: NewMessage[]): Promise<ChatMessage[]>;
  /** The last `limit` messages of a room, oldest first, optionally before an id. */
  roomHistory(roomId: number, limit: number, beforeId?: number): Promise<ChatMessage[]>;
  /** The last `limit` private messages between two users, oldest first. */
  conversation(userA: number, userB: number, limit: number, beforeId?: number): Promise<ChatMessage[]>;
  /**
   * What a reconnecting client missed: the messages of the given rooms and the user's private
   * ones (both ways) after `afterId`; the last `limit` of them, oldest first.
   */
  messagesSince(userId: number, roomIds: number[], afterId: number, limit: number): Promise<ChatMessage[]>;
  /** The message the user's client sent with this id (NewMessage.cid), if it was stored. */
  messageByClientId(userId: number, cid: string): Promise<ChatMessage | null>;
  /** Forgets client message ids stored before `before`; returns how many. */
  forgetClientIds(before: Date): Promise<number>;
  /**
   * Full-text search: the newest `limit` messages, newest first, whose words include every word of
   * `query` (case and accents aside), in the user's rooms and the user's own private conversations.
   */
  searchMessages(userId: number, query: string, limit: number): Promise<ChatMessage[]>;
  /** Ends a resume token (by its digest) until it would have expired; forgets ones already expired. */
  revokeToken(digest: string, expiresAt: Date): Promise<void>;
  /** Whether a token (by its digest) was ended by a sign-out. */
  tokenRevoked(digest: string): Promise<boolean>;
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

  /** The embedded store's data folder, consistent, as a gzipped tarball; null for a real server (pg_dump's job). */
  snapshot(): Promise<Blob | null>;

  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Who the messages of a deleted account are shown as from. */
export const DELETED_NICK = "[deleted]";

/** An account as the operator's list shows it. */
export interface AccountListing {
  id: number;
  nick: string;
  createdAt: Date;
  lastSeen: Date | null;
  messages: number;
}

/** A room as the operator's list shows it. */
export interface RoomStats {
  room: RoomRef;
  topic: string;
  createdAt: Date;
  members: number;
  messages: number;
  /** The newest of its creation, its last message and its last join. */
  lastActivity: Date;
}

/**
 * A batch named a sender, room or recipient that is not there (deleted a moment before): none of
 * it was stored. Its other messages may be stored on their own.
 */
export class DanglingReferenceError extends Error {}

export class NickTakenError extends Error {
  /** `lookalike`: the existing account whose skeleton the nick has (it is not taken as such). */
  constructor(nick: string, readonly lookalike?: string) {
    super(lookalike ? `Nick "${nick}" looks like "${lookalike}"` : `Nick "${nick}" is taken`);
  }
}

/**
 * The database cannot be reached (refused or broken connection, connect or statement timeout, a
 * server shutting down). The drivers raise it; the core refuses at once while it lasts.
 */
export class StoreUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Store unavailable: ${reason}`);
  }
}
