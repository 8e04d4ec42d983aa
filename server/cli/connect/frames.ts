// What `chat connect` makes of the server's frames: the core's events again (dates as Dates), so
// the one terminal renderer draws them exactly as a telnet session sees them. Notices, errors and
// prompts come with their words already in the session's language, and those are what is shown.

import type { ChatEvent } from "../../core/events.ts";
import type { ChatMessage } from "../../core/types.ts";
import type { ChatMessage as MessageFrame, ServerFrame } from "../../ws/protocol.ts";

/** A frame as the terminal takes it: an event to render, words to show, or nothing to draw. */
export type Shown =
  | { kind: "event"; event: ChatEvent }
  | { kind: "words"; text: string; error: boolean }
  | { kind: "prompt"; text: string; secret: boolean }
  | { kind: "none" };

export function message(m: MessageFrame): ChatMessage {
  return { ...m, at: new Date(m.at) };
}

export function shown(f: ServerFrame): Shown {
  const event = (e: ChatEvent): Shown => ({ kind: "event", event: e });
  switch (f.type) {
    case "message": {
      const { type: _, ...m } = f;
      return event({ type: "message", message: message(m) });
    }
    case "mention":
      return event({ type: "mention", message: message(f.message) });
    case "history":
      return event({
        type: "history", target: f.room !== undefined ? { room: f.room } : { with: f.with! }, reason: f.reason,
        messages: f.messages.map(message), ...(f.unread !== undefined ? { unread: f.unread } : {}),
      });
    case "notice":
      return { kind: "words", text: f.text, error: false };
    case "error":
      return { kind: "words", text: f.message, error: true };
    case "prompt":
      return { kind: "prompt", text: f.text, secret: f.secret };
    case "profile": {
      const p = f.profile;
      return event({ type: "profile", profile: { ...p, createdAt: new Date(p.createdAt), lastSeen: p.lastSeen ? new Date(p.lastSeen) : null } });
    }
    case "help":
      return event({ type: "help", detail: f.detail, commands: f.commands.map(({ name, aliases, args }) => ({ name, aliases, args })) });
    case "welcome":
    case "presence":
    case "users":
    case "rooms":
    case "settings":
    case "membership":
      return event(f as ChatEvent);
    case "room":
    case "unread":
    case "token":
      return { kind: "none" };
  }
}
