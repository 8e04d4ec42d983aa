import type { ChatEvent, HelpEntry, HistoryEvent, RoomInfo } from "../core/events.ts";
import { UNREAD_COUNT_CAP } from "../core/limits.ts";
import { cleanText } from "../core/text.ts";
import type { ChatMessage, Lang, UserSettings } from "../core/types.ts";
import type { Catalogue } from "./i18n/catalogue.ts";
import { catalogue, say } from "./i18n/index.ts";
import { BELL, colourMessage, concern, highlighted, muted } from "./colour.ts";
import { displayWidth, formatDate, padEnd, table, wrap } from "./layout.ts";

/** How one terminal shows text: its language and width, and whether it takes colour and bells. */
export interface TextView {
  lang: Lang;
  /** Columns; 80 when the client has not said. */
  width: number;
  colour?: boolean;
  /** Ring the bell on a private message or a mention. */
  bell?: boolean;
  /** The viewer's nick, folded (foldKey): their own lines are dimmed, lines naming them highlighted. */
  me?: string;
}

export const DEFAULT_WIDTH = 80;
/** Where /help's descriptions start, at most. */
const HELP_COLUMN = 28;
/** Fewer columns than this left for descriptions, and /help puts each under its usage. */
const HELP_MIN_TEXT = 30;

// Messages and presence go to many terminals at once and do not depend on the width: each is
// encoded once per language and colour, and every socket writes the same bytes. Only a message's
// sender and the people it names (dimmed, highlighted, a bell) get a rendering of their own.
const shared: Record<Lang, WeakMap<ChatEvent, Uint8Array>[]> = { en: [new WeakMap(), new WeakMap()], es: [new WeakMap(), new WeakMap()] };
const encoder = new TextEncoder();
let last: { event: ChatEvent | null; lang: Lang; colour: boolean; bytes: Uint8Array } = { event: null, lang: "en", colour: false, bytes: new Uint8Array(0) };

/** renderText as UTF-8. Nobody may change the bytes: for shared events they are shared. */
export function textBytes(event: ChatEvent, view: TextView): Uint8Array {
  if (event.type !== "message" && event.type !== "presence") return encoder.encode(renderText(event, view));
  const colour = view.colour === true;
  if (event.type === "message" && (colour || view.bell) && concern(event.message, view.me)) return encoder.encode(renderText(event, view));
  // A room message is asked for once per viewer, in a row: the last answer saves a lookup each.
  if (event === last.event && view.lang === last.lang && colour === last.colour) return last.bytes;
  const cache = shared[view.lang][colour ? 1 : 0]!;
  let bytes = cache.get(event);
  if (bytes === undefined) {
    bytes = encoder.encode(renderText(event, { lang: view.lang, width: view.width, colour }));
    cache.set(event, bytes);
  }
  last = { event, lang: view.lang, colour, bytes };
  return bytes;
}

/** The event as terminal text: CRLF line ends, and no control or bidi characters from users. */
export function renderText(event: ChatEvent, view: TextView, now = new Date()): string {
  const c = catalogue(view.lang);
  if (event.type === "prompt") return cleanText(say(view.lang, event.notice));
  if (event.type === "message" && (view.colour || view.bell)) return styledMessage(event.message, view, now);
  const style = !view.colour ? null : event.type === "mention" ? highlighted : SYSTEM.has(event.type) ? muted : null;
  const text = toLines(event, c, view, now).map((l) => (style ? style(cleanText(l)) : cleanText(l)) + "\r\n").join("");
  // A mention elsewhere (or, above, a message naming the viewer) rings once.
  return view.bell && event.type === "mention" ? text + BELL : text;
}

/** Events shown in a muted colour: the chat's own lines, not what people say. */
const SYSTEM = new Set<ChatEvent["type"]>(["presence", "notice", "error", "membership"]);

/** Words already said (a notice's or error's text from the server, or a client's own) as terminal lines. */
export function renderWords(text: string, view: TextView, error = false): string {
  const t = catalogue(view.lang).text;
  return notice(error ? t.error(text) : text, view.width).map((l) => (view.colour ? muted(cleanText(l)) : cleanText(l)) + "\r\n").join("");
}

/** A message for a terminal with colour or a bell: what concerns the viewer stands out. */
function styledMessage(m: ChatMessage, view: TextView, now: Date): string {
  const how = concern(m, view.me);
  const line = view.colour
    ? colourMessage(`[${stamp(m.at, now)}]`, m, cleanText(m.text), how, cleanText)
    : cleanText(messageLine(m, now));
  return line + "\r\n" + (view.bell && how === "named" ? BELL : "");
}

/** Lines for a terminal; events a terminal has no use for (an app's bookkeeping) give none. */
function toLines(e: ChatEvent, c: Catalogue, view: TextView, now: Date): string[] {
  const t = c.text;
  switch (e.type) {
    case "message":
      return [messageLine(e.message, now)];
    case "notice":
      return notice(say(view.lang, e.notice), view.width);
    case "error":
      return notice(t.error(say(view.lang, e.notice)), view.width);
    case "presence":
      switch (e.change) {
        case "online": return [`*** ${t.online(e.nick)}`];
        case "offline": return [`*** ${t.offline(e.nick, e.reason)}`];
        case "joined": return [`*** ${t.joined(e.nick, e.room!)}`];
        case "left": return [`*** ${t.left(e.nick, e.room!)}`];
        case "status": return [`*** ${t.statusChanged(e.nick, t.status(e.status), e.note)}`];
      }
      return [];
    case "history":
      return history(e, t, now);
    case "welcome": {
      const lines = [`*** ${t.hello(e.nick, e.room)}`];
      // Private messages that arrived meanwhile are shown right after; rooms wait for /join.
      const unread = e.conversations
        .filter((s) => "room" in s && s.unread > 0 && s.room !== e.room)
        .map((s) => t.unreadItem("room" in s ? s.room : "", figure(s.unread), s.mentions));
      if (unread.length) lines.push(...notice(t.unreadSummary(unread), view.width));
      return lines;
    }
    case "membership":
      return [`*** ${e.joined ? t.youJoined(e.room) : t.youLeft(e.room)}`];
    case "mention":
      return [`*** ${t.mentionedIn(e.message.room ?? "")} ${messageLine(e.message, now)}`];
    case "users":
      return [
        `*** ${t.usersTitle(e.users.length)}`,
        ...table(e.users.map((u) => [u.nick, t.status(u.status) + (u.note ? ` (${u.note})` : ""), u.rooms.join(", ") || "-"]), view.width),
      ];
    case "rooms":
      return rooms(e.rooms, t, view.width);
    case "profile": {
      const p = e.profile;
      const f = t.profileFields;
      return [
        `*** ${t.profileTitle(p.nick)}`,
        ...table([
          [f.id, String(p.id)],
          [f.created, formatDate(p.createdAt)],
          [f.lastSeen, p.online ? t.onlineNow : p.lastSeen ? formatDate(p.lastSeen) : t.never],
          [f.status, t.status(p.status) + (p.note ? ` (${p.note})` : "")],
          [f.messages, String(p.messagesSent)],
        ], view.width),
      ];
    }
    case "help":
      return help(e.commands, e.detail, c, view.width);
    case "settings":
      return notice(t.settings(e.lang, e.settings.lang !== undefined, terminalSettings(e.settings)), view.width);
    case "prompt":
    case "room":
    case "unread":
    case "credentials":
      return [];
  }
}

/** A notice's first line starts with "***"; it and the rest are wrapped at the terminal's width. */
function notice(text: string, width: number): string[] {
  const [first, ...rest] = text.split("\n");
  return [...wrap(`*** ${first}`, width, "    "), ...rest.flatMap((l) => wrap(l, width))];
}

function history(e: HistoryEvent, t: Catalogue["text"], now: Date): string[] {
  return [
    `--- ${t.historyTitle(e.reason, e.target, e.messages.length, e.unread)} ---`,
    ...(e.messages.length ? e.messages.map((m) => messageLine(m, now)) : [t.noMessages]),
    t.historyEnd,
  ];
}

/** An unread count as shown: counting stops at the cap. */
function figure(n: number): string {
  return n >= UNREAD_COUNT_CAP ? `${UNREAD_COUNT_CAP}+` : String(n);
}

function rooms(list: RoomInfo[], t: Catalogue["text"], width: number): string[] {
  const mine = list.filter((r) => r.unread !== undefined);
  const others = list.filter((r) => r.unread === undefined);
  const lines = [`*** ${t.yourRooms}`];
  lines.push(...table(mine.map((r) => [(r.current ? "* " : "  ") + r.name, t.roomPeople(r.online, r.members), r.unread ? t.unreadItem("", figure(r.unread), r.mentions ?? 0).trim() : ""]), width));
  if (others.length) lines.push(`*** ${t.otherRooms}`, ...table(others.map((r) => ["  " + r.name, t.roomPeople(r.online, r.members)]), width));
  return lines;
}

function help(commands: HelpEntry[], detail: boolean, c: Catalogue, width: number): string[] {
  const usage = (h: HelpEntry) => `/${h.name}${h.args ? " " + h.args : ""}`;
  if (detail) {
    const h = commands[0]!;
    const lines = [`*** ${usage(h)}`, ...wrap(c.commands[h.name] ?? "", width)];
    if (h.aliases.length) lines.push(c.text.alsoKnownAs(h.aliases.map((a) => "/" + a).join(", ")));
    return lines;
  }
  // Usage on the left, what it does on the right; a usage too long for the left column gets a
  // line of its own, so one long command does not squeeze every description.
  const column = Math.min(HELP_COLUMN, Math.max(...commands.map((h) => displayWidth(usage(h)))) + 4);
  const lines = [`*** ${c.text.helpTitle}`];
  // A narrow terminal has no room for two columns: each usage gets its description under it.
  const stacked = width - column < HELP_MIN_TEXT;
  for (const h of commands) {
    const aka = h.aliases.length ? ` (${h.aliases.map((a) => "/" + a).join(" ")})` : "";
    if (stacked) {
      lines.push(`  ${usage(h)}`, ...wrap((c.commands[h.name] ?? "") + aka, width - 4).map((l) => "    " + l));
      continue;
    }
    const text = wrap((c.commands[h.name] ?? "") + aka, Math.max(20, width - column), "");
    const left = `  ${usage(h)}`;
    if (displayWidth(left) + 2 > column) lines.push(left, ...text.map((l) => " ".repeat(column) + l));
    else lines.push(padEnd(left, column) + text[0], ...text.slice(1).map((l) => " ".repeat(column) + l));
  }
  lines.push(...wrap(c.text.helpFooter, width));
  return lines;
}

function terminalSettings(s: UserSettings): string {
  const show = (v: boolean | undefined, absent: string) => (v === undefined ? absent : v ? "on" : "off");
  return `editor ${show(s.editor, "on")}, color ${show(s.color, "auto")}, bell ${show(s.bell, "auto")}`;
}

function messageLine(m: ChatMessage, now: Date): string {
  const at = `[${stamp(m.at, now)}]`;
  const action = `* ${m.from} ${m.text}`;
  if (m.to !== undefined) return `${at} [${m.from} → ${m.to}] ${m.kind === "emote" ? action : m.text}`;
  return m.kind === "emote" ? `${at} ${action}` : `${at} <${m.from}> ${m.text}`;
}

const two = (n: number) => String(n).padStart(2, "0");

/** HH:MM for today, with the date for anything older. */
function stamp(at: Date, now: Date): string {
  const time = `${two(at.getHours())}:${two(at.getMinutes())}`;
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${time}`;
}
