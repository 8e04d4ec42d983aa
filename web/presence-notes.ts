// Joins and leaves: one line for one, and one summary line for a run of them ("ana, beto and 38
// others joined"), so forty people arriving do not push the conversation off the screen.

import { el } from "./dom.ts";

const NAMES_SHOWN = 3;

interface Run {
  joined: string[];
  left: string[];
  room: string;
}

const runs = new WeakMap<HTMLElement, Run>();

function names(list: string[]): string {
  if (list.length <= NAMES_SHOWN) return list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list.at(-1)}` : list[0]!;
  const others = list.length - NAMES_SHOWN;
  return `${list.slice(0, NAMES_SHOWN).join(", ")} and ${others} ${others === 1 ? "other" : "others"}`;
}

function describe(r: Run): string {
  const parts: string[] = [];
  if (r.joined.length) parts.push(`${names(r.joined)} joined`);
  if (r.left.length) parts.push(`${names(r.left)} left`);
  return `${parts.join("; ")} ${r.room}`;
}

/**
 * Adds a join or leave to the log: into the run at the log's end when there is one, else as a new
 * line. Returns the new line, or null when an existing one was updated.
 */
export function presenceNote(log: HTMLElement, nick: string, change: "joined" | "left", room: string, reason?: string): HTMLElement | null {
  const last = log.lastElementChild as HTMLElement | null;
  const run = last ? runs.get(last) : undefined;
  if (last && run && run.room === room && !reason) {
    const list = change === "joined" ? run.joined : run.left;
    if (!list.includes(nick)) list.push(nick);
    last.textContent = describe(run);
    last.dataset.count = String(run.joined.length + run.left.length);
    last.title = [...run.joined.map((n) => `${n} joined`), ...run.left.map((n) => `${n} left`)].join("\n");
    return null;
  }
  const r: Run = { joined: change === "joined" ? [nick] : [], left: change === "left" ? [nick] : [], room };
  const node = el("div", { class: "note note--presence", "data-testid": "presence", "data-count": "1" }, describe(r) + (reason ? ` (${reason})` : ""));
  // A leave with a reason says something of its own: it starts no run.
  if (!reason) runs.set(node, r);
  return node;
}
