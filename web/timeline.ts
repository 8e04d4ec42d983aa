// What a log shows between its messages: a separator for each day (Today, Yesterday, then dates, in
// the browser's language and time zone), and consecutive messages from one sender under one name.

import { el } from "./dom.ts";

/** Messages from one sender this close together, on one day, share the first one's name. */
const GROUP_MS = 5 * 60_000;

/** The local calendar day of a time: "2026-12-02". */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "Today", "Yesterday" (in the browser's language), else the date, with the year when not this one. */
export function dayLabel(day: string, now = new Date()): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const diff = Math.round((today.getTime() - date.getTime()) / 86_400_000);
  if (diff === 0 || diff === 1) {
    const word = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }).format(-diff, "day");
    return word.charAt(0).toLocaleUpperCase() + word.slice(1);
  }
  return date.toLocaleDateString(undefined, {
    weekday: "long", day: "numeric", month: "long", ...(y !== now.getFullYear() ? { year: "numeric" } : {}),
  });
}

/**
 * Puts a day separator before the first message of each day and marks messages that continue a
 * sender's run (msg--cont), over the whole log: pages of history arrive in any order.
 */
export function arrange(log: HTMLElement, now = new Date()) {
  const separators = new Map<string, HTMLElement>();
  for (const s of Array.from(log.querySelectorAll<HTMLElement>(":scope > .day"))) separators.set(s.dataset.day!, s);
  let day = "";
  for (const node of Array.from(log.querySelectorAll<HTMLElement>(":scope > .msg"))) {
    const d = node.dataset.day!;
    if (d !== day) {
      day = d;
      let sep = separators.get(d);
      separators.delete(d);
      sep ??= el("div", { class: "day", role: "separator", "data-testid": "day", "data-day": d }, el("span", { class: "day__label" }, dayLabel(d, now)));
      if (node.previousElementSibling !== sep) node.before(sep);
    }
    const prev = node.previousElementSibling as HTMLElement | null;
    const cont = !!prev && prev.classList.contains("msg") && prev.dataset.from === node.dataset.from && prev.dataset.day === d
      && node.dataset.kind !== "emote" && prev.dataset.kind !== "emote" && Number(node.dataset.at) - Number(prev.dataset.at) < GROUP_MS;
    node.classList.toggle("msg--cont", cont);
  }
  for (const stale of separators.values()) stale.remove();
}

/** Today and Yesterday move at midnight: labels are renewed when a log is shown. */
export function relabel(log: HTMLElement, now = new Date()) {
  for (const s of Array.from(log.querySelectorAll<HTMLElement>(":scope > .day"))) s.firstElementChild!.textContent = dayLabel(s.dataset.day!, now);
}
