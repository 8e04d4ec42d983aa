import type { ChatEvent, HistoryEvent } from "../core/events.ts";
import type { ChatMessage, Lang, Target } from "../core/types.ts";
import { catalogue, say } from "./i18n/index.ts";

// How an app sees events: one JSON text frame each. Data goes as data; notices, errors and
// prompts also carry their words in the session's language, since the browser has no catalogue.

// Messages and presence go to many sessions and do not depend on the language: rendered once.
const shared = new WeakMap<ChatEvent, string>();

export function renderJson(event: ChatEvent, lang: Lang): string {
  if (event.type !== "message" && event.type !== "presence") return JSON.stringify(toFrame(event, lang));
  let json = shared.get(event);
  if (json === undefined) {
    json = JSON.stringify(toFrame(event, lang));
    shared.set(event, json);
  }
  return json;
}

export function toFrame(e: ChatEvent, lang: Lang): object {
  switch (e.type) {
    case "message":
      return { type: "message", ...messageFields(e.message) };
    case "mention":
      return { type: "mention", message: messageFields(e.message) };
    case "history":
      return history(e);
    case "notice":
      return { type: "notice", key: e.notice.key, params: e.notice.params, text: say(lang, e.notice) };
    case "error":
      return { type: "error", code: e.code, key: e.notice.key, message: say(lang, e.notice), ...(e.cid ? { cid: e.cid } : {}) };
    case "prompt":
      return { type: "prompt", key: e.notice.key, text: say(lang, e.notice), secret: e.secret };
    case "credentials":
      return { type: "token", token: e.token };
    case "help": {
      const texts = catalogue(lang).commands;
      return { type: "help", detail: e.detail, commands: e.commands.map((h) => ({ ...h, help: texts[h.name] ?? "" })) };
    }
    default:
      return e;
  }
}

function history(e: HistoryEvent) {
  const { reason, unread, before } = e;
  return {
    type: "history", ...targetFields(e.target), reason, ...(unread !== undefined ? { unread } : {}), ...(before !== undefined ? { before } : {}),
    messages: e.messages.map(messageFields),
  };
}

function targetFields(t: Target) {
  return "room" in t ? { room: t.room } : { with: t.with };
}

function messageFields(m: ChatMessage) {
  const target = m.room !== undefined ? { room: m.room } : { to: m.to };
  return { id: m.id, kind: m.kind, from: m.from, ...target, text: m.text, at: m.at.toISOString(), ...(m.mentions ? { mentions: m.mentions } : {}), ...(m.cid ? { cid: m.cid } : {}) };
}
