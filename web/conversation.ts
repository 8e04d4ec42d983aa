// One conversation's message log (a room or a private chat): ordered by id, never twice.

import { el, formatTime, nickHue } from "./dom.ts";
import { nickKey, type ChatMessage } from "./protocol.ts";

export type ConversationKind = "room" | "pm";
export type NoteKind = "system" | "error" | "presence";

/** Pixels from the top (or bottom) that count as "at the top" (or "at the bottom"). */
const EDGE_PX = 48;

export class Conversation {
  readonly element: HTMLDivElement;
  unread = 0;
  /** No older messages on the server. */
  reachedStart = false;
  loadingOlder = false;
  /** Called when the user scrolls near the top. */
  onNearTop: (() => void) | null = null;
  private readonly ids: number[] = [];
  private readonly nodes = new Map<number, HTMLElement>();
  private readonly top: HTMLDivElement;

  constructor(readonly kind: ConversationKind, public name: string, private readonly me: () => string) {
    this.top = el("div", { class: "log__top", "data-testid": "log-top" });
    this.element = el("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-label": kind === "room" ? `Messages in ${name}` : `Private conversation with ${name}`,
      "data-testid": "messages",
      "data-conversation": kind === "room" ? name : `@${name}`,
      tabindex: "0",
    }, this.top);
    this.element.addEventListener("scroll", () => {
      if (this.element.scrollTop < EDGE_PX) this.onNearTop?.();
    }, { passive: true });
  }

  get key(): string {
    return conversationKey(this.kind, this.name);
  }

  get oldestId(): number | undefined {
    return this.ids[0];
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  atBottom(): boolean {
    const e = this.element;
    return e.scrollHeight - e.scrollTop - e.clientHeight < EDGE_PX;
  }

  scrollToBottom() {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /**
   * Adds messages in id order, skipping ids already shown. Keeps the reader where they were:
   * at the bottom if they were there, or on the same message when older ones go in above.
   * Returns the messages that were new.
   */
  add(messages: ChatMessage[]): ChatMessage[] {
    const wasAtBottom = this.atBottom();
    const heightBefore = this.element.scrollHeight;
    const scrollBefore = this.element.scrollTop;
    const oldestBefore = this.oldestId;
    const added: ChatMessage[] = [];
    for (const m of messages) {
      if (this.nodes.has(m.id)) continue;
      const node = this.render(m);
      const index = this.insertionIndex(m.id);
      const next = this.ids[index];
      if (next === undefined) this.element.append(node);
      else this.element.insertBefore(node, this.nodes.get(next)!);
      this.ids.splice(index, 0, m.id);
      this.nodes.set(m.id, node);
      added.push(m);
    }
    if (!added.length) return added;
    const onlyOlder = oldestBefore !== undefined && added.every((m) => m.id < oldestBefore);
    if (onlyOlder && !wasAtBottom) this.element.scrollTop = scrollBefore + (this.element.scrollHeight - heightBefore);
    else if (wasAtBottom || added.some((m) => nickKey(m.from) === nickKey(this.me()))) this.scrollToBottom();
    return added;
  }

  /** A line that is not a message: command output, an error, someone joining. */
  note(text: string, kind: NoteKind = "system") {
    const wasAtBottom = this.atBottom();
    this.element.append(el("div", { class: `note note--${kind}`, "data-testid": kind, role: kind === "error" ? "alert" : undefined }, text));
    if (wasAtBottom || kind !== "presence") this.scrollToBottom();
  }

  /** Shows "loading…" or "start of the conversation" at the top of the log. */
  setTopState(state: "idle" | "loading" | "start") {
    this.top.textContent = state === "loading" ? "Loading older messages…" : state === "start" ? "Start of the conversation" : "";
    this.top.dataset.state = state;
  }

  private insertionIndex(id: number): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private render(m: ChatMessage): HTMLElement {
    const at = new Date(m.at);
    const time = el("time", { class: "msg__time", datetime: m.at, title: Number.isNaN(at.getTime()) ? undefined : at.toLocaleString() }, formatTime(m.at));
    const mine = nickKey(m.from) === nickKey(this.me());
    const attrs = {
      class: `msg msg--${m.kind}${mine ? " msg--mine" : ""}`,
      "data-testid": "message",
      "data-id": String(m.id),
      "data-from": m.from,
      "data-kind": m.kind,
    };
    if (m.kind === "emote") {
      return el("div", attrs, time, el("span", { class: "msg__text msg__emote" }, `* ${m.from} ${m.text}`));
    }
    const from = el("span", { class: "msg__from" }, m.from);
    from.style.setProperty("--hue", String(nickHue(m.from)));
    return el("div", attrs, time, from, el("span", { class: "msg__text", "data-testid": "message-text" }, m.text));
  }
}

export function conversationKey(kind: ConversationKind, name: string): string {
  return kind === "room" ? `room:${name.toLowerCase()}` : `pm:${nickKey(name)}`;
}
