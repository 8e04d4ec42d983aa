// One conversation's log (a room or a private chat): messages ordered by id, never twice, with
// notes and data blocks between them; and the read marker and counts the server keeps for it.

import type { ChatMessage, ConversationState } from "../server/ws/protocol.ts";
import { el, formatTime, nickHue } from "./dom.ts";
import { conversationKey, isRoom, mentionsMe, sameName } from "./frames.ts";
import { presenceNote } from "./presence-notes.ts";
import { richText } from "./richtext.ts";
import { arrange, dayKey, relabel } from "./timeline.ts";

export type NoteKind = "notice" | "error" | "presence";

/** Pixels from the top (or bottom) that count as "at the top" (or "at the bottom"). */
const EDGE_PX = 48;

export class Conversation {
  readonly element: HTMLDivElement;
  readonly key: string;
  /** The last message the server says the user has read, and the counts past it. */
  readId = 0;
  unread = 0;
  mentions = 0;
  /** The latest page of history has been asked for (or pushed by the server). */
  loaded = false;
  /** No older messages on the server. */
  reachedStart = false;
  loadingOlder = false;
  /** The latest page was asked for and has not come yet. */
  loadingLatest = false;
  /** Called when the user scrolls near the top, and on every scroll. */
  onNearTop: (() => void) | null = null;
  onScroll: (() => void) | null = null;
  private readonly ids: number[] = [];
  private readonly nodes = new Map<number, HTMLElement>();
  /** Per message id: [sent by me, names me]. */
  private readonly facts = new Map<number, [boolean, boolean]>();
  private readonly top: HTMLDivElement;
  /** "New messages": before the first message the user had not read when they came to it. */
  private divider: HTMLElement | null = null;

  /** `name` is what a frame's `to` says: "#room" or a nick. */
  constructor(public name: string, private readonly me: () => string) {
    this.key = conversationKey(name);
    this.top = el("div", { class: "log__top", "data-testid": "log-top" });
    this.element = el("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-label": this.isRoom ? `Messages in ${name}` : `Private conversation with ${name}`,
      "data-testid": "messages",
      "data-conversation": name,
      tabindex: "0",
    }, this.top);
    this.element.hidden = true;
    this.element.addEventListener("scroll", () => {
      if (this.element.scrollTop < EDGE_PX) this.onNearTop?.();
      this.onScroll?.();
    }, { passive: true });
  }

  get isRoom(): boolean {
    return isRoom(this.name);
  }

  get oldestId(): number | undefined {
    return this.ids[0];
  }

  get newestId(): number {
    return this.ids.at(-1) ?? 0;
  }

  atBottom(): boolean {
    const e = this.element;
    return e.scrollHeight - e.scrollTop - e.clientHeight < EDGE_PX;
  }

  scrollToBottom() {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** The server's counts (welcome, unread, membership); never below what this log itself shows unread. */
  setState(s: Pick<ConversationState, "readId" | "unread" | "mentions">) {
    // An answer to an older read frame: the answer to the newer one is on its way.
    if (s.readId < this.readId) return;
    this.readId = s.readId;
    this.reconcile(s.unread, s.mentions);
  }

  /** Counts at least the messages shown here past the read marker that are not the user's own. */
  reconcile(unread = this.unread, mentions = this.mentions) {
    let u = 0;
    let m = 0;
    for (const [id, [mine, named]] of this.facts) {
      if (id <= this.readId || mine) continue;
      u++;
      if (named) m++;
    }
    this.unread = Math.max(unread, u);
    this.mentions = Math.max(mentions, m);
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
      this.facts.set(m.id, [sameName(m.from, this.me()), mentionsMe(m, this.me())]);
      added.push(m);
    }
    if (!added.length) return added;
    arrange(this.element);
    const onlyOlder = oldestBefore !== undefined && added.every((m) => m.id < oldestBefore);
    if (onlyOlder && !wasAtBottom) this.element.scrollTop = scrollBefore + (this.element.scrollHeight - heightBefore);
    else if (wasAtBottom || added.some((m) => sameName(m.from, this.me()))) this.scrollToBottom();
    return added;
  }

  /** Someone joined or left the room: a line, or one more in the summary of a run of them. */
  presence(nick: string, change: "joined" | "left", reason?: string) {
    const node = presenceNote(this.element, nick, change, this.name, reason);
    if (node) this.append(node, false);
  }

  /**
   * Puts the "new messages" divider before the first message past `readId` that is not the user's
   * own (none when there is none); returns it.
   */
  markUnread(readId: number): HTMLElement | null {
    this.clearDivider();
    const id = this.ids.find((i) => i > readId && !this.facts.get(i)?.[0]);
    if (id === undefined) return null;
    this.divider = el("div", { class: "divider", role: "separator", "aria-label": "New messages", "data-testid": "new-divider" }, el("span", {}, "New messages"));
    this.nodes.get(id)!.before(this.divider);
    return this.divider;
  }

  get hasDivider(): boolean {
    return this.divider !== null;
  }

  clearDivider() {
    this.divider?.remove();
    this.divider = null;
  }

  /** Messages below what the reader can see. */
  get below(): number {
    const bottom = this.element.scrollTop + this.element.clientHeight;
    let n = 0;
    for (let i = this.ids.length - 1; i >= 0; i--) {
      const node = this.nodes.get(this.ids[i]!)!;
      if (node.offsetTop < bottom) break;
      n++;
    }
    return n;
  }

  /** Shows the conversation where it was left: at the divider when there is one, else at the end. */
  showFromDivider() {
    relabel(this.element);
    if (this.divider) this.element.scrollTop = Math.max(0, this.divider.offsetTop - 48);
    else this.scrollToBottom();
  }

  /** Scrolls to a message and marks it for a moment; false when it is not loaded. */
  reveal(id: number): boolean {
    const node = this.nodes.get(id);
    if (!node) return false;
    node.scrollIntoView({ block: "center" });
    node.classList.remove("msg--found");
    void node.offsetWidth;
    node.classList.add("msg--found");
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
    return true;
  }

  has(id: number): boolean {
    return this.nodes.has(id);
  }

  /** A line that is not a message: a notice, an error. */
  note(text: string, kind: NoteKind = "notice", key?: string) {
    const attrs = { class: `note note--${kind}`, "data-testid": kind, "data-key": key, role: kind === "error" ? "alert" : undefined };
    this.append(el("div", attrs, text), kind !== "presence");
  }

  /** A block of data (a list of people, rooms, commands…) drawn by data.ts. */
  block(node: HTMLElement) {
    this.append(node, true);
  }

  /** Shows "loading…" or "start of the conversation" at the top of the log. */
  setTopState(state: "idle" | "loading" | "start") {
    this.top.textContent = state === "loading" ? "Loading older messages…" : state === "start" ? "Start of the conversation" : "";
    this.top.dataset.state = state;
  }

  private append(node: HTMLElement, scroll: boolean) {
    const wasAtBottom = this.atBottom();
    this.element.append(node);
    if (wasAtBottom || scroll) this.scrollToBottom();
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
    const valid = !Number.isNaN(at.getTime());
    const time = el("time", { class: "msg__time", datetime: m.at, title: valid ? at.toLocaleString() : undefined }, formatTime(m.at));
    const mine = sameName(m.from, this.me());
    const named = mentionsMe(m, this.me());
    const attrs = {
      class: `msg msg--${m.kind}${mine ? " msg--mine" : ""}${named ? " msg--mention" : ""}`,
      "data-testid": "message",
      "data-id": String(m.id),
      "data-from": m.from,
      "data-kind": m.kind,
      "data-mention": named ? "true" : undefined,
      "data-day": valid ? dayKey(at) : "",
      "data-at": valid ? String(at.getTime()) : "0",
    };
    if (m.kind === "emote") {
      return el("div", attrs, time, el("span", { class: "msg__text msg__emote", "data-testid": "message-emote" }, `* ${m.from} `, ...richText(m.text)));
    }
    const from = el("span", { class: "msg__from" }, m.from);
    from.style.setProperty("--hue", String(nickHue(m.from)));
    return el("div", attrs, time, from, el("span", { class: "msg__text", "data-testid": "message-text" }, ...richText(m.text)));
  }
}
