// Data the server answers commands with (/list, /rooms, /profile, /help, /set), drawn as small
// tables and lists in the conversation log. Every value goes in as text.

import type { ChatMessage, HelpFrame, Lang, ProfileFrame, RoomInfo, UserInfo } from "../server/ws/protocol.ts";
import { el, formatTime } from "./dom.ts";

type Cell = string | Node;

function block(kind: string, title: string, body: HTMLElement): HTMLElement {
  return el("figure", { class: `data data--${kind}`, "data-testid": `data-${kind}` }, el("figcaption", { class: "data__title" }, title), body);
}

function table(head: string[], rows: Cell[][]): HTMLElement {
  return el("div", { class: "data__scroll" }, el("table", { class: "data__table" },
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", {}, c)))))));
}

function pairs(items: [string, Cell][]): HTMLElement {
  const dl = el("dl", { class: "data__pairs" });
  for (const [k, v] of items) dl.append(el("dt", {}, k), el("dd", {}, v));
  return dl;
}

function status(s: string): HTMLElement {
  return el("span", { class: "data__status" }, el("span", { class: `dot dot--${s}`, "aria-hidden": "true" }), s);
}

function date(iso: string | null): string {
  if (!iso) return "never";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function usersBlock(users: UserInfo[]): HTMLElement {
  const rows = users.map((u) => [u.nick, status(u.status), u.note, u.rooms.join(", ")]);
  return block("users", `Online now (${users.length})`, table(["Nick", "Status", "Note", "Rooms"], rows));
}

export function roomsBlock(rooms: RoomInfo[]): HTMLElement {
  const rows = [...rooms].sort((a, b) => a.name.localeCompare(b.name)).map((r) => {
    const mine = r.unread !== undefined ? `${r.unread}${r.mentions ? ` (${r.mentions} @)` : ""}` : "—";
    return [r.name, String(r.members), String(r.online), mine, r.topic ?? ""];
  });
  return block("rooms", `Rooms (${rooms.length})`, table(["Room", "Members", "Online", "Unread", "Topic"], rows));
}

export function profileBlock({ profile: p }: ProfileFrame): HTMLElement {
  return block("profile", `Profile of ${p.nick}`, pairs([
    ["Status", status(p.online ? p.status : "offline")],
    ["Note", p.note || "—"],
    ["Member since", date(p.createdAt)],
    ["Last seen", p.online ? "now" : date(p.lastSeen)],
    ["Messages sent", String(p.messagesSent)],
  ]));
}

export function helpBlock(h: HelpFrame): HTMLElement {
  const rows = h.commands.map((c) => [
    el("code", {}, `/${c.name}${c.args ? ` ${c.args}` : ""}`),
    c.aliases.map((a) => `/${a}`).join(" "),
    c.help,
  ]);
  const title = h.detail && h.commands.length === 1 ? `Help: /${h.commands[0]!.name}` : "Commands";
  return block("help", title, table(["Command", "Also", "What it does"], rows));
}

export function settingsBlock(settings: { lang?: Lang }, lang: Lang): HTMLElement {
  return block("settings", "Settings", pairs([["Language", settings.lang ? settings.lang : `not set (using ${lang})`]]));
}

/** Messages of a room the user is not in (/history #room): shown where they are. */
export function historyBlock(room: string, messages: ChatMessage[]): HTMLElement {
  const rows = messages.map((m) => [formatTime(m.at), m.from, m.kind === "emote" ? `* ${m.from} ${m.text}` : m.text]);
  return block("history", `Recent messages in ${room}`, rows.length ? table(["Time", "From", "Text"], rows) : el("p", {}, "No messages yet."));
}
