// Renders the sidebar (rooms, people) and the conversation tabs from plain data.

import { el, nickHue } from "./dom.ts";
import { nickKey, type RoomInfo, type Status, type UserInfo } from "./protocol.ts";

const STATUS_LABEL: Record<Status, string> = { available: "available", busy: "busy", away: "away" };

export function statusLabel(status: Status): string {
  return STATUS_LABEL[status] ?? status;
}

export function renderUsers(list: HTMLElement, users: UserInfo[], me: string, open: (nick: string) => void) {
  const sorted = [...users].sort((a, b) => {
    const self = Number(nickKey(b.nick) === nickKey(me)) - Number(nickKey(a.nick) === nickKey(me));
    return self || a.nick.localeCompare(b.nick, undefined, { sensitivity: "base" });
  });
  list.replaceChildren(...sorted.map((u) => {
    const isMe = nickKey(u.nick) === nickKey(me);
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

export function renderRooms(list: HTMLElement, rooms: RoomInfo[], current: string, join: (room: string) => void) {
  const sorted = [...rooms].sort((a, b) => a.name.localeCompare(b.name));
  list.replaceChildren(...sorted.map((r) => {
    const active = r.name.toLowerCase() === current.toLowerCase();
    const button = el("button", {
      class: `room${active ? " room--active" : ""}`,
      type: "button",
      "aria-current": active ? "true" : undefined,
      "aria-label": `${active ? "Current room" : "Join"} ${r.name}, ${r.users} ${r.users === 1 ? "person" : "people"}`,
    }, el("span", { class: "room__name" }, r.name), el("span", { class: "count" }, String(r.users)));
    if (!active) button.addEventListener("click", () => join(r.name));
    return el("li", { "data-testid": `room-${r.name}` }, button);
  }));
}

export interface TabInfo {
  key: string;
  kind: "room" | "pm";
  label: string;
  unread: number;
  active: boolean;
}

export function renderTabs(nav: HTMLElement, tabs: TabInfo[], select: (key: string) => void, close: (key: string) => void) {
  nav.replaceChildren(...tabs.map((t) => {
    const testId = t.kind === "room" ? "tab-room" : `tab-pm-${t.label}`;
    const tab = el("button", {
      class: `tab${t.active ? " tab--active" : ""}`,
      type: "button",
      role: "tab",
      "aria-selected": t.active ? "true" : "false",
      "data-testid": testId,
    },
      el("span", { class: "tab__icon", "aria-hidden": "true" }, t.kind === "room" ? "#" : "@"),
      el("span", { class: "tab__label" }, t.kind === "room" ? t.label.replace(/^#/, "") : t.label),
      t.unread > 0
        ? el("span", { class: "badge", "data-testid": t.kind === "room" ? "unread-room" : `unread-${t.label}`, "aria-label": `${t.unread} unread` }, String(t.unread))
        : null,
    );
    tab.addEventListener("click", () => select(t.key));
    const wrap = el("div", { class: `tab-wrap${t.active ? " tab-wrap--active" : ""}` }, tab);
    if (t.kind === "pm") {
      const x = el("button", { class: "tab__close", type: "button", "aria-label": `Close conversation with ${t.label}`, "data-testid": `close-pm-${t.label}` }, "×");
      x.addEventListener("click", () => close(t.key));
      wrap.append(x);
    }
    return wrap;
  }));
}
