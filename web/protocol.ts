// Type-only imports: they vanish from the bundle, so zod never reaches the browser.
import type { PresenceEvent } from "../server/core/events.ts";
import type { Status } from "../server/core/types.ts";
import type { ClientFrame } from "../server/ws/frames.ts";

// The JSON frames spoken over ws://<host>/ws, as the web client sees them.
export type { ClientFrame, Status };

export interface ChatMessage {
  id: number;
  kind: "public" | "private" | "emote";
  from: string;
  /** Room messages have `room`; private ones have `to`. */
  room?: string;
  to?: string;
  text: string;
  /** ISO 8601 time. */
  at: string;
}

export interface UserInfo {
  nick: string;
  status: Status;
  note: string;
  rooms: string[];
}

export interface RoomInfo {
  name: string;
  users: number;
}

export interface WelcomeFrame {
  type: "welcome";
  nick: string;
  serverName: string;
  motd: string[];
  room: string;
  rooms: RoomInfo[];
  users: UserInfo[];
  token: string;
}

/** The server's presence event goes out as it is (server/render/json.ts). */
export type PresenceFrame = PresenceEvent;

export interface HistoryFrame {
  type: "history";
  room?: string;
  with?: string;
  messages: ChatMessage[];
  title: string;
}

export type ServerFrame =
  | WelcomeFrame
  | { type: "room"; room: string }
  | ({ type: "message" } & ChatMessage)
  | PresenceFrame
  | HistoryFrame
  | { type: "system"; text: string }
  | { type: "error"; code: string; message: string }
  | { type: "prompt"; text: string; secret: boolean }
  | { type: "token"; token: string };

/** Close code for policy closes (kicked, banned, too many wrong passwords): never reconnect. */
export const CLOSE_POLICY = 1008;

/** Parses one text frame; anything that is not an object with a string `type` is ignored. */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") return v as ServerFrame;
  } catch {
    // Not JSON: ignored.
  }
  return null;
}

/** Case-insensitive key for a nick: nicks are unique regardless of case. */
export function nickKey(nick: string): string {
  return nick.toLowerCase();
}
