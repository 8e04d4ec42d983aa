import type { Notice } from "./notices.ts";
import type { ChatMessage, ConversationState, Lang, Status, Target, UserSettings } from "./types.ts";

/**
 * What the core tells a session: data, never text. render/ turns each event into terminal text
 * (in the session's language, at its width) or a JSON frame. Events that many sessions receive
 * (messages, presence) do not depend on who receives them, so each is rendered once per format.
 */
export type ChatEvent =
  | MessageEvent
  | PresenceEvent
  | { type: "notice"; notice: Notice }
  /** `cid`: the client message id of the frame that failed, so its outbox knows which message was refused. */
  | { type: "error"; code: string; notice: Notice; cid?: string }
  /** Asks the user for one line; `secret` means a terminal should not echo it. */
  | { type: "prompt"; notice: Notice; secret: boolean }
  | HistoryEvent
  | SearchEvent
  /** This session's current room: where its plain text goes. */
  | { type: "room"; room: string }
  /** The account joined or left a room (on any of its sessions). */
  | { type: "membership"; room: string; joined: boolean; state?: ConversationState }
  /** Unread and mention counts changed (a read marker moved, on this or another device). */
  | { type: "unread"; conversations: ConversationState[] }
  /** Someone named the user in a room this session does not show. */
  | { type: "mention"; message: ChatMessage }
  | { type: "users"; users: OnlineUser[] }
  | { type: "rooms"; rooms: RoomInfo[] }
  | { type: "profile"; profile: ProfileInfo }
  | { type: "help"; commands: HelpEntry[]; detail: boolean }
  | { type: "settings"; settings: UserSettings; lang: Lang }
  /** The account's password changed; a session holding a resume token needs a new one. */
  | { type: "credentials"; token: string }
  | WelcomeEvent;

export interface MessageEvent {
  type: "message";
  message: ChatMessage;
}

export interface PresenceEvent {
  type: "presence";
  /**
   * online/offline: the account's first session came or its last went. joined/left: it became or
   * stopped being a member of `room`. status: its status or note changed.
   */
  change: "online" | "offline" | "joined" | "left" | "status";
  nick: string;
  online: boolean;
  status: Status;
  note: string;
  room?: string;
  /** A quit or kick message, when there was one. */
  reason?: string;
}

/** Why a history is shown, which decides how it is titled. */
export type HistoryReason = "recent" | "page" | "missed" | "away";

export interface HistoryEvent {
  type: "history";
  target: Target;
  reason: HistoryReason;
  messages: ChatMessage[];
  /** Of the messages shown, how many the user had not read (a room's replay). */
  unread?: number;
  /** A page of older messages: the id it was asked to end before. */
  before?: number;
}

/** What /search found: the newest matches first, and the query's words folded as they were matched. */
export interface SearchEvent {
  type: "search";
  query: string;
  /** The query's words, lower case and without accents, for a client to mark in the results. */
  terms: string[];
  messages: ChatMessage[];
}

export interface OnlineUser {
  nick: string;
  status: Status;
  note: string;
  rooms: string[];
}

export interface RoomInfo {
  name: string;
  members: number;
  online: number;
  /** Present for the user's own rooms. */
  unread?: number;
  mentions?: number;
  /** The asking session's current room. */
  current?: boolean;
  /** The room's topic, when it has one: an app shows it under the room's name. */
  topic?: string;
}

export interface ProfileInfo {
  id: number;
  nick: string;
  createdAt: Date;
  lastSeen: Date | null;
  online: boolean;
  status: Status;
  note: string;
  messagesSent: number;
}

export interface HelpEntry {
  name: string;
  aliases: string[];
  /** Arguments as usage shows them, e.g. "<nick> <text>". */
  args: string;
}

export interface WelcomeEvent {
  type: "welcome";
  nick: string;
  serverName: string;
  motd: string[];
  lang: Lang;
  settings: UserSettings;
  /** The longest message (UTF-8 bytes), so an app can say how much too long a draft is before sending it. */
  maxLineBytes: number;
  /** The session's current room. */
  room: string;
  /** The user's rooms and private conversations with unread messages, with their counts. */
  conversations: ConversationState[];
  /** Every room, with how many members and online members each has. */
  rooms: RoomInfo[];
  users: OnlineUser[];
  /** For clients that resume (the web): the token to come back with. */
  token?: string;
}
