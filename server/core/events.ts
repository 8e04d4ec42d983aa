import type { ChatMessage, Status } from "./types.ts";

/**
 * What the hub tells a session. Transports render these (text for terminals, JSON for the web);
 * an event never depends on who receives it, so each can be rendered once per format.
 */
export type ChatEvent =
  | { type: "message"; message: ChatMessage }
  | PresenceEvent
  | { type: "system"; text: string }
  | { type: "history"; title: string; messages: ChatMessage[] }
  | { type: "error"; code: string; message: string }
  /** Asks the user for one line; `secret` means a terminal should not echo it. */
  | { type: "prompt"; text: string; secret: boolean }
  | WelcomeEvent;

export interface PresenceEvent {
  type: "presence";
  change: "joined" | "left" | "status";
  nick: string;
  online: boolean;
  status: Status;
  note: string;
  room?: string;
  /** A quit message, when a user left with one. */
  reason?: string;
}

export interface WelcomeEvent {
  type: "welcome";
  nick: string;
  serverName: string;
  motd: string[];
  room: string;
}
