import type { ChatEvent } from "../core/events.ts";
import type { ChatMessage } from "../core/types.ts";

// How the web sees events: one JSON text frame each, rendered once however many receive it.
const cache = new WeakMap<ChatEvent, string>();

export function renderJson(event: ChatEvent): string {
  let json = cache.get(event);
  if (json === undefined) {
    json = JSON.stringify(toFrame(event));
    cache.set(event, json);
  }
  return json;
}

export function toFrame(e: ChatEvent): object {
  switch (e.type) {
    case "message":
      return { type: "message", ...messageFields(e.message) };
    case "history": {
      const { type, title, room, with: withNick } = e;
      return { type, title, ...(room ? { room } : {}), ...(withNick ? { with: withNick } : {}), messages: e.messages.map(messageFields) };
    }
    default:
      return e;
  }
}

function messageFields(m: ChatMessage) {
  const target = m.room !== undefined ? { room: m.room } : { to: m.to };
  return { id: m.id, kind: m.kind, from: m.from, ...target, text: m.text, at: m.at.toISOString() };
}
