// Renders the sidebar from plain data: the user's conversations (rooms, then private ones) with
// their unread and mention badges, other rooms to join, and the people online.

import type { RoomInfo, Status, UserInfo } from "../server/ws/protocol.ts";
import { el, nickHue } from "./dom.ts";
import { sameName } from "./frames.ts";

export interface ConversationItem {
  /** "#room" or a nick. */
  to: string;
  unread: number;
  mentions: number;
  active: boolean;
}

/** The unread and mention badges of a conversation, or nothing when there is nothing new. */
export function badges(c: { to: string; unread: number; mentions: number }): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (c.mentions > 0) {
    out.push(el("span", { class: "badge badge--mention", "data-testid": `mentions-${c.to}`, title: `${c.mentions} mentioning you` }, `@${c.mentions}`));
  }
  if (c.unread > 0) {
    out.push(el("span", { class: "badge", "data-testid": `unread-${c.to}`, title: `${c.unread} unread` }, String(c.unread)));
  }
  return out;
}

function badgeLabel(c: ConversationItem): string {
  return [c.unread ? `${c.unread} unread` : "", c.mentions ? `${c.mentions} mentioning you` : ""].filter(Boolean).join(", ");
}

/** The user's rooms or private conversations; `close` puts a × beside each (private ones). */
export function renderConversations(list: HTMLElement, items: ConversationItem[], select: (to: string) => void, close?: (to: string) => void) {
  list.replaceChildren(...items.map((c) => {
    const room = c.to.startsWith("#");
    const label = badgeLabel(c);
    const button = el("button", {
      class: `conv${c.active ? " conv--active" : ""}${c.unread ? " conv--unread" : ""}`,
      type: "button",
      "aria-current": c.active ? "true" : undefined,
      "aria-label": `${room ? c.to : `Private with ${c.to}`}${label ? `, ${label}` : ""}`,
      // A long name is cut with an ellipsis: the whole of it on hover.
      title: c.to,
    },
      el("span", { class: "conv__icon", "aria-hidden": "true" }, room ? "#" : "@"),
      el("span", { class: "conv__name" }, room ? c.to.slice(1) : c.to),
      ...badges(c));
    button.addEventListener("click", () => select(c.to));
    const item = el("li", { class: "conv-item", "data-testid": room ? `room-${c.to}` : `pm-${c.to}` }, button);
    if (close) {
      const x = el("button", { class: "conv__close", type: "button", "aria-label": `Close conversation with ${c.to}`, "data-testid": `close-pm-${c.to}` }, "×");
      x.addEventListener("click", () => close(c.to));
      item.append(x);
    }
    return item;
  }));
}

/** Rooms the user is not in: a click joins. */
export function renderBrowse(list: HTMLElement, rooms: RoomInfo[], join: (room: string) => void) {
  const sorted = [...rooms].sort((a, b) => a.name.localeCompare(b.name));
  list.replaceChildren(...sorted.map((r) => {
    const people = `${r.members} ${r.members === 1 ? "member" : "members"}`;
    const button = el("button", { class: "conv conv--other", type: "button", "aria-label": `Join ${r.name}, ${people}`, title: `Join ${r.name}${r.topic ? `: ${r.topic}` : ""}` },
      el("span", { class: "conv__icon", "aria-hidden": "true" }, "#"),
      el("span", { class: "conv__name" }, r.name.slice(1)),
      el("span", { class: "count", title: people }, String(r.members)));
    button.addEventListener("click", () => join(r.name));
    return el("li", { "data-testid": `browse-${r.name}` }, button);
  }));
}

const STATUS_LABEL: Record<Status, string> = { available: "available", busy: "busy", away: "away" };

export function statusLabel(status: Status): string {
  return STATUS_LABEL[status] ?? status;
}

export function renderUsers(list: HTMLElement, users: UserInfo[], me: string, open: (nick: string) => void) {
  const sorted = [...users].sort((a, b) => {
    const self = Number(sameName(b.nick, me)) - Number(sameName(a.nick, me));
    return self || a.nick.localeCompare(b.nick, undefined, { sensitivity: "base" });
  });
  list.replaceChildren(...sorted.map((u) => {
    const isMe = sameName(u.nick, me);
    const where = u.rooms.join(", ");
    const avatar = el("span", { class: "avatar", "aria-hidden": "true" }, u.nick.slice(0, 1).toUpperCase());
    avatar.style.setProperty("--hue", String(nickHue(u.nick)));
    const body = el("span", { class: "user__body" },
      el("span", { class: "user__nick" }, u.nick, isMe ? el("span", { class: "user__you" }, " (you)") : null),
      el("span", { class: "user__status" },
        el("span", { class: `dot dot--${u.status}`, "aria-hidden": "true" }),
        el("span", { "data-testid": "user-status" }, statusLabel(u.status)),
        u.note ? el("span", { class: "user__note", "data-testid": "user-note" }, ` — ${u.note}`) : null),
    );
    const title = [`${u.nick}: ${statusLabel(u.status)}`, u.note, where && `in ${where}`].filter(Boolean).join("\n");
    const content = isMe
      ? el("div", { class: "user user--me", title }, avatar, body)
      : el("button", { class: "user", type: "button", title, "aria-label": `Message ${u.nick} (${statusLabel(u.status)}${u.note ? `: ${u.note}` : ""})` }, avatar, body);
    if (!isMe) content.addEventListener("click", () => open(u.nick));
    return el("li", { "data-testid": `user-${u.nick}`, "data-nick": u.nick, "data-status": u.status }, content);
  }));
}
