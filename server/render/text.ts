import type { ChatEvent } from "../core/events.ts";
import { cleanText } from "../core/text.ts";
import type { ChatMessage } from "../core/types.ts";

// How a terminal shows events. Events do not depend on their recipient, so each is rendered
// once however many sessions receive it.
const bytesCache = new WeakMap<ChatEvent, Uint8Array>();
const encoder = new TextEncoder();
let last: { event: ChatEvent | null; bytes: Uint8Array } = { event: null, bytes: new Uint8Array(0) };

/**
 * renderText as UTF-8, encoded once per event: a room message to a thousand terminals is one
 * buffer that every socket writes. Nobody may change the bytes; they are shared.
 */
export function textBytes(event: ChatEvent): Uint8Array {
  // A room message is asked for once per member, in a row: the last answer saves a WeakMap lookup each.
  if (event === last.event) return last.bytes;
  let bytes = bytesCache.get(event);
  if (bytes === undefined) {
    bytes = encoder.encode(renderText(event));
    bytesCache.set(event, bytes);
  }
  last = { event, bytes };
  return bytes;
}

/** The event as terminal text: CRLF line ends, and no control or bidi characters from users. */
export function renderText(event: ChatEvent, now = new Date()): string {
  return event.type === "prompt" ? cleanText(event.text) : toLines(event, now).map((l) => cleanText(l) + "\r\n").join("");
}

/** Lines for a terminal; events a terminal has no use for (the web's bookkeeping) give none. */
function toLines(e: ChatEvent, now: Date): string[] {
  switch (e.type) {
    case "message":
      return [messageLine(e.message, now)];
    case "system":
      return notice(e.text);
    case "error":
      return [`*** Error: ${e.message}`];
    case "presence": {
      const note = e.note ? ` (${e.note})` : "";
      if (e.change === "status") return [`*** ${e.nick} is now ${e.status}${note}`];
      if (e.change === "online" || e.change === "offline") return [];
      const reason = e.reason ? ` (${e.reason})` : "";
      return [`*** ${e.nick} ${e.change === "joined" ? "joined" : "left"} ${e.room}${reason}`];
    }
    case "history":
      return [
        `--- ${e.title} ---`,
        ...(e.messages.length ? e.messages.map((m) => messageLine(m, now)) : ["(no messages)"]),
        "--- end ---",
      ];
    case "welcome":
      return [`*** Hello ${e.nick}! You are in ${e.room}. /help lists the commands.`];
    case "prompt":
      return [e.text];
    case "room":
    case "credentials":
      return [];
  }
}

/** Only system text is several lines; everything else is one line, whatever its fields hold. */
function notice(text: string): string[] {
  const [first, ...rest] = text.split("\n");
  return [`*** ${first}`, ...rest];
}

function messageLine(m: ChatMessage, now: Date): string {
  const at = `[${stamp(m.at, now)}]`;
  switch (m.kind) {
    case "emote":
      return `${at} * ${m.from} ${m.text}`;
    case "private":
      return `${at} [${m.from} → ${m.to}] ${m.text}`;
    case "public":
      return `${at} <${m.from}> ${m.text}`;
  }
}

const two = (n: number) => String(n).padStart(2, "0");

/** HH:MM for today, with the date for anything older. */
function stamp(at: Date, now: Date): string {
  const time = `${two(at.getHours())}:${two(at.getMinutes())}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${time}`;
}
