// The search box and its results: /search typed anywhere, or the box in the sidebar, sends one
// search frame; the answer is drawn as a list over the conversation with the matching words
// marked, and a result opens its conversation at that message.

import type { ChatMessage, SearchFrame } from "../server/ws/protocol.ts";
import { byId, el, formatTime } from "./dom.ts";
import { conversationOf } from "./frames.ts";
import { richText } from "./richtext.ts";
import { dayKey, dayLabel } from "./timeline.ts";

export interface SearchHost {
  send(query: string): boolean;
  me(): string;
  /** Shows the conversation `to` at message `id`. */
  open(to: string, id: number): void;
}

export class SearchView {
  private readonly panel = byId("search-panel");
  private readonly list = byId("search-results");
  private readonly title = byId("search-title");
  private readonly field = byId<HTMLInputElement>("search-input");

  constructor(private readonly host: SearchHost) {
    byId<HTMLFormElement>("search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const q = this.field.value.trim();
      if (q && this.host.send(q)) this.pending(q);
    });
    byId("search-close").addEventListener("click", () => this.close());
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close();
    });
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  private pending(q: string) {
    this.title.textContent = `Searching for “${q}”…`;
    this.list.replaceChildren();
    this.panel.hidden = false;
  }

  show(f: SearchFrame) {
    const terms = new Set(f.terms);
    const n = f.messages.length;
    this.title.textContent = n ? `${n} ${n === 1 ? "message matches" : "messages match"} “${f.query}”, newest first` : `Nothing matches “${f.query}” in your rooms and private messages`;
    this.list.replaceChildren(...f.messages.map((m) => this.item(m, terms)));
    this.panel.hidden = false;
    (this.list.querySelector("button") ?? byId("search-close")).focus();
  }

  close() {
    this.panel.hidden = true;
  }

  private item(m: ChatMessage, terms: ReadonlySet<string>): HTMLElement {
    const to = conversationOf(m, this.host.me());
    const at = new Date(m.at);
    const when = Number.isNaN(at.getTime()) ? "" : `${dayLabel(dayKey(at))} ${formatTime(at)}`;
    const where = to.startsWith("#") ? to : `private with ${to}`;
    const button = el("button", { class: "result", type: "button", "data-testid": "search-result", "data-id": String(m.id), "data-conversation": to },
      el("span", { class: "result__meta" }, el("span", { class: "result__where" }, where), " · ", el("span", { class: "result__from" }, m.from), " · ", el("time", { datetime: m.at }, when)),
      el("span", { class: "result__text" }, ...(m.kind === "emote" ? [`* ${m.from} `] : []), ...richText(m.text, terms, false)));
    button.addEventListener("click", () => {
      this.close();
      this.host.open(to, m.id);
    });
    return el("li", {}, button);
  }
}
