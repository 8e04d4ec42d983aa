// The JSON frames spoken over ws://<host>/ws, for the server and the web client alike. Types and
// constants only: the browser bundle imports this file, and nothing of the server comes with it
// (the core's shapes it shares are type imports, which the bundler drops).
import type { OnlineUser, PresenceEvent, RoomInfo } from "../core/events.ts";
import type { Lang, Status, UserSettings } from "../core/types.ts";
//
// A client frame's `type` is a command's name and its other fields are that command's arguments
// (server/core/commands): the frames and the typed commands are one thing. `line` is a line typed
// by a person, parsed exactly as on a terminal. `to` ("#room" or a nick) on any frame says which
// conversation its text belongs to; without it, the session's current room. `cid` on a frame that
// sends a message is the client's own id for it (1–64 printable ASCII characters, unique per user):
// the echo carries it back, and a resend with the same cid returns the stored message, never a copy.

export type { Lang, RoomInfo, Status };
/** The account's settings: `lang`, and `editor`, `color`, `bell` for terminals (`chat connect`). */
export type Settings = Pick<UserSettings, "lang" | "editor" | "color" | "bell">;
type To = { to?: string; cid?: string };
type Where = { room: string; with?: never } | { with: string; room?: never };

export type ClientFrame =
  /** `confirm`: the password again, which creates the account when the nick has none. */
  | { type: "login"; nick: string; password: string; confirm?: string; lang?: string }
  | { type: "resume"; token: string; since?: number; room?: string; lang?: string }
  | ({ type: "line"; text: string } & To)
  | ({ type: "say"; text: string } & To)
  | ({ type: "me"; action: string } & To)
  | { type: "msg"; to: string; text: string; cid?: string }
  | { type: "reply"; text: string }
  | { type: "join"; room: string }
  | { type: "leave"; room?: string }
  | { type: "status"; status?: Status; note?: string }
  | ({ type: "history"; limit?: number; before?: number } & Where)
  | { type: "search"; query: string }
  | ({ type: "read"; id: number } & Where)
  | { type: "list" }
  | { type: "rooms" }
  | { type: "profile"; nick?: string }
  | { type: "help"; command?: string }
  | { type: "motd" }
  | { type: "set"; name?: string; value?: string }
  | { type: "quit"; message?: string }
  | { type: "signout"; token: string };

export interface ChatMessage {
  id: number;
  kind: "public" | "private" | "emote";
  from: string;
  /** Room messages have `room`; private ones `to`. */
  room?: string;
  to?: string;
  text: string;
  /** ISO 8601 time. */
  at: string;
  /** Nicks the text names, when it names any. */
  mentions?: string[];
  /** The sender's client's id for it, when it sent one. */
  cid?: string;
}

export type UserInfo = OnlineUser;

/** A conversation's read marker and counts: a room (`room`) or a private one (`with`). */
export type ConversationState = Where & { readId: number; unread: number; mentions: number };

export interface WelcomeFrame {
  type: "welcome";
  nick: string;
  serverName: string;
  motd: string[];
  lang: Lang;
  settings: Settings;
  maxLineBytes?: number;
  room: string;
  conversations: ConversationState[];
  rooms: RoomInfo[];
  users: UserInfo[];
  token?: string;
}

export type PresenceFrame = PresenceEvent;

export type HistoryFrame = Where & {
  type: "history";
  reason: "recent" | "page" | "missed" | "away";
  unread?: number;
  /** A page of older messages: the id it ends before. */
  before?: number;
  messages: ChatMessage[];
};

export interface HelpFrame {
  type: "help";
  detail: boolean;
  commands: { name: string; aliases: string[]; args: string; help: string }[];
}

export interface ProfileFrame {
  type: "profile";
  profile: { id: number; nick: string; createdAt: string; lastSeen: string | null; online: boolean; status: Status; note: string; messagesSent: number };
}

/** /search's answer: the newest matches first; `terms` are the query's words, lower case and without accents. */
export interface SearchFrame {
  type: "search";
  query: string;
  terms: string[];
  messages: ChatMessage[];
}

export type ServerFrame =
  | WelcomeFrame
  | ({ type: "message" } & ChatMessage)
  | { type: "mention"; message: ChatMessage }
  | PresenceFrame
  | HistoryFrame
  | SearchFrame
  | { type: "room"; room: string }
  | { type: "membership"; room: string; joined: boolean; state?: ConversationState }
  | { type: "unread"; conversations: ConversationState[] }
  | { type: "users"; users: UserInfo[] }
  | { type: "rooms"; rooms: RoomInfo[] }
  | ProfileFrame
  | HelpFrame
  | { type: "settings"; settings: Settings; lang: Lang }
  | { type: "notice"; key: string; params: Record<string, unknown>; text: string }
  | { type: "error"; code: string; key: string; message: string; cid?: string }
  | { type: "prompt"; key: string; text: string; secret: boolean }
  | { type: "token"; token: string };

/** Close code for policy closes (kicked, banned, too many wrong passwords): never reconnect. */
export const CLOSE_POLICY = 1008;
/** A frame over limits.maxFrameBytes. */
export const CLOSE_TOO_BIG = 1009;

/** Lines that make a message, and so are worth an outbox: plain text, //text, !nick, /me, /msg. */
export function makesMessage(text: string): boolean {
  return !text.startsWith("/") || /^\/(\/|me |msg |m |yo |privado |say )/i.test(text);
}
