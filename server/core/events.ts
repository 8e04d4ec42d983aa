import type { ChatMessage, Status } from "./types.ts";

/**
 * What the hub tells a session. Transports render these (text for terminals, JSON for the web);
 * an event never depends on who receives it, so each can be rendered once per format.
 */
export type ChatEvent =
  | { type: "message"; message: ChatMessage }
  | PresenceEvent
  | { type: "system"; text: string }
  | HistoryEvent
  | { type: "error"; code: string; message: string }
  /** Asks the user for one line; `secret` means a terminal should not echo it. */
  | { type: "prompt"; text: string; secret: boolean }
  /** This session is now in `room`. */
  | { type: "room"; room: string }
  /** The account's password changed; a session holding a resume token needs a new one. */
  | { type: "credentials" }
  | WelcomeEvent;

export interface PresenceEvent {
  type: "presence";
  /** online/offline go only to sessions that follow everyone's presence (the web's user list). */
  change: "online" | "offline" | "joined" | "left" | "status";
  nick: string;
  online: boolean;
  status: Status;
  note: string;
  room?: string;
  /** A quit message, when a user left with one. */
  reason?: string;
}

export interface HistoryEvent {
  type: "history";
  title: string;
  messages: ChatMessage[];
  /** What the messages belong to: a room, or the private conversation with a nick. */
  room?: string;
  with?: string;
}

export interface OnlineUser {
  nick: string;
  status: Status;
  note: string;
  rooms: string[];
}

export interface WelcomeEvent {
  type: "welcome";
  nick: string;
  serverName: string;
  motd: string[];
  room: string;
  rooms: { name: string; users: number }[];
  users: OnlineUser[];
}
