// The chat's data as the core sees it. Nothing here knows about sockets or SQL.

export const STATUSES = ["available", "busy", "away"] as const;
export type Status = (typeof STATUSES)[number];

export const LANGS = ["en", "es"] as const;
export type Lang = (typeof LANGS)[number];

/** What a message is: said in a room, said privately, or an action (/me) in either. */
export type MessageKind = "public" | "private" | "emote";

/** Choices a user makes for every device, stored with the account. */
export interface UserSettings {
  /** Absent: follow the client (the browser's language; English on a terminal). */
  lang?: Lang;
  /** Whether the user has been offered Spanish after typing a Spanish command name. */
  langOffered?: boolean;
  /** Server-side line editing on telnet; absent: on. Off suits screen readers and MUD clients. */
  editor?: boolean;
  /** ANSI colour on a terminal; absent: when the terminal type supports it. */
  color?: boolean;
  /** The bell on a private message or a mention; absent: on telnet terminals, not on raw (nc) ones. */
  bell?: boolean;
}

/** The on/off settings a terminal honours. */
export const TERMINAL_SETTINGS = ["editor", "color", "bell"] as const;

export interface User {
  id: number;
  nick: string;
  passwordHash: string;
  createdAt: Date;
  lastSeen: Date | null;
  status: Status;
  statusNote: string;
  settings: UserSettings;
}

export interface Room {
  id: number;
  name: string;
  createdAt: Date;
}

/** A room as the live parts of the core refer to it. */
export type RoomRef = Pick<Room, "id" | "name">;

/** Where a message goes or a command looks: a room, or the private conversation with a nick. */
export type Target = { room: string } | { with: string };

/**
 * What a frame says about its text besides the command: the conversation it belongs to (`to`),
 * and the client's own id for the message it makes (`cid`), so a resend never stores it twice.
 */
export interface InputContext {
  target?: Target;
  cid?: string;
}

/** A message as it is delivered and shown: room messages have `room`, private ones `to`. */
export interface ChatMessage {
  id: number;
  kind: MessageKind;
  from: string;
  room?: string;
  to?: string;
  text: string;
  at: Date;
  /** The users the text names (@nick, or "nick:" at the start), when there are any. */
  mentions?: string[];
  /** The sender's client's id for it, when it sent one: how its outbox knows the message arrived. */
  cid?: string;
}

export interface NewMessage {
  kind: MessageKind;
  senderId: number;
  from: string;
  roomId?: number;
  room?: string;
  recipientId?: number;
  to?: string;
  text: string;
  /** Set by the writer before the batch is stored: the existing users the text names. */
  mentions?: { id: number; nick: string }[];
  /** The sender's client's id for it: stored with it, so a resend finds it (see Store.messageByClientId). */
  cid?: string;
}

/** A stored membership with what its user has not read yet. */
export interface Membership {
  room: RoomRef;
  /** The highest message id of the room the user has read. */
  readId: number;
  unread: number;
  mentions: number;
}

/** A private conversation and what its user has not read yet. */
export interface PrivateUnread {
  peer: { id: number; nick: string };
  readId: number;
  unread: number;
}

/** Unread counts of one conversation, as every client shows them. */
export type ConversationState = Target & { readId: number; unread: number; mentions: number };

export interface RoomListing {
  room: RoomRef;
  members: number;
  /** '' when the room has none. */
  topic: string;
}

export interface Profile {
  user: User;
  messagesSent: number;
}

/** A nick refused at login, until a time or (until null) until unbanned. */
export interface Ban {
  nick: string;
  until: Date | null;
  reason: string;
  createdAt: Date;
  createdBy: string;
}
