// The message box: Enter sends, Shift+Enter starts a new line (the lines go as one message), Up and
// Down recall what was sent, Tab completes nicks, commands and rooms, and a message over the
// server's limit stays in the box with how much too long it is. What to do with a finished line is
// the caller's (`send`): today a frame, later an outbox.

import { byId } from "./dom.ts";

/** Messages kept for Up. */
const RECALL_MAX = 50;
/** The box grows with its text up to this many lines, then scrolls. */
const MAX_ROWS = 8;
const encoder = new TextEncoder();

export interface ComposerHost {
  /** Sends a finished line (or a prompt's answer); false when it could not go (not connected). */
  send(text: string): boolean;
  /** Words Tab may complete to, for the word being typed: "/join" commands, "#dev" rooms, nicks. */
  completions(kind: "command" | "room" | "nick"): string[];
}

/** How many characters must go from the end of `text` for it to fit in `max` UTF-8 bytes. */
export function overBy(text: string, max: number): number {
  let bytes = encoder.encode(text).length;
  if (bytes <= max) return 0;
  const chars = [...text];
  let n = 0;
  while (bytes > max && chars.length) {
    bytes -= encoder.encode(chars.pop()!).length;
    n++;
  }
  return n;
}

export class Composer {
  /** The server's limit, from the welcome. */
  maxBytes = 4096;
  readonly box = byId<HTMLTextAreaElement>("composer-input");
  private readonly secret = byId<HTMLInputElement>("composer-secret");
  private readonly hint = byId("composer-hint");
  private readonly sent: string[] = [];
  /** Where Up has got to in `sent` (sent.length: not recalling), and what was typed before. */
  private recall = 0;
  private draft = "";
  private completing: { start: number; end: number; options: string[]; index: number } | null = null;
  private prompting = false;

  constructor(private readonly host: ComposerHost) {
    this.box.addEventListener("keydown", (e) => this.key(e));
    this.box.addEventListener("input", () => {
      this.completing = null;
      this.fit();
      this.check(false);
    });
    this.secret.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      this.submit();
    });
  }

  /** The element the user types in now: the box, or the hidden answer to a secret prompt. */
  get field(): HTMLTextAreaElement | HTMLInputElement {
    return this.prompting && !this.secret.hidden ? this.secret : this.box;
  }

  focus() {
    this.field.focus();
  }

  /**
   * A prompt from the server: the next line answers it; a secret one is typed unseen. Its question
   * is the box's visible label; without one, the caller puts the conversation's words back.
   */
  prompt(p: { text: string; secret: boolean } | null) {
    this.prompting = !!p;
    const secret = !!p?.secret;
    this.secret.hidden = !secret;
    this.box.hidden = secret;
    this.secret.value = "";
    this.check(false);
    const label = byId("composer-label");
    byId("composer").classList.toggle("composer--prompt", !!p);
    label.classList.toggle("visually-hidden", !p);
    if (!p) return;
    label.textContent = p.text.trim();
    this.field.placeholder = p.secret ? "Hidden answer" : "Answer";
    this.focus();
  }

  /** Sends what is typed, unless it is too long (then it stays, and the box says by how much). */
  submit() {
    if (this.prompting) {
      const field = this.field;
      if (this.host.send(field.value)) field.value = "";
      return;
    }
    const text = this.box.value;
    if (!text.trim()) return;
    if (!this.check(true)) return;
    if (!this.host.send(text)) return;
    if (this.sent.at(-1) !== text) this.sent.push(text);
    if (this.sent.length > RECALL_MAX) this.sent.shift();
    this.recall = this.sent.length;
    this.box.value = "";
    this.fit();
  }

  /** Says how much too long the text is; true when it fits. `alert`: say it now, as an error. */
  private check(alert: boolean): boolean {
    const over = this.prompting ? 0 : overBy(this.box.value.trimEnd(), this.maxBytes);
    this.box.setAttribute("aria-invalid", String(over > 0));
    if (over === 0) {
      this.hint.hidden = true;
      this.hint.textContent = "";
      return true;
    }
    this.hint.hidden = false;
    this.hint.textContent = `Too long by ${over} ${over === 1 ? "character" : "characters"}: nothing was sent. Shorten it, or send it in parts.`;
    if (!alert) this.hint.textContent = `Too long by ${over} ${over === 1 ? "character" : "characters"}`;
    this.hint.setAttribute("role", alert ? "alert" : "status");
    return false;
  }

  /** The box as tall as its lines, up to MAX_ROWS. */
  private fit() {
    const lines = this.box.value.split("\n").length;
    this.box.rows = Math.min(MAX_ROWS, Math.max(1, lines));
  }

  private key(e: KeyboardEvent) {
    if (e.isComposing) return;
    if (e.key === "Enter" && !e.shiftKey && !e.altKey) {
      e.preventDefault();
      this.submit();
    } else if (e.key === "Tab" && !e.shiftKey && !e.ctrlKey && !e.altKey && !e.metaKey) {
      // Without anything to complete, Tab moves the focus on, as everywhere.
      if (this.complete()) e.preventDefault();
    } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !e.shiftKey && this.recallKey(e.key === "ArrowUp")) {
      e.preventDefault();
    }
  }

  /** Up on the first line (Down on the last) walks through what was sent; true when it did. */
  private recallKey(up: boolean): boolean {
    const box = this.box;
    const before = box.value.slice(0, box.selectionStart);
    const after = box.value.slice(box.selectionEnd);
    if (up ? before.includes("\n") : after.includes("\n")) return false;
    const recalling = this.recall < this.sent.length;
    // Up recalls over an empty box or another recalled message, never over a draft being typed.
    if (up && !recalling && box.value !== "") return false;
    if (!up && !recalling) return false;
    if (!recalling) this.draft = box.value;
    this.recall = Math.max(0, Math.min(this.sent.length, this.recall + (up ? -1 : 1)));
    box.value = this.recall < this.sent.length ? this.sent[this.recall]! : this.draft;
    box.setSelectionRange(box.value.length, box.value.length);
    this.fit();
    this.check(false);
    return true;
  }

  /** Completes the word before the caret; repeated Tabs cycle through the choices. */
  private complete(): boolean {
    const box = this.box;
    if (this.completing && box.selectionStart === this.completing.end) {
      const c = this.completing;
      c.index = (c.index + 1) % c.options.length;
      return this.put(c, c.options[c.index]!);
    }
    const caret = box.selectionStart;
    const start = box.value.slice(0, caret).search(/[^\s]*$/);
    const word = box.value.slice(start, caret);
    if (!word) return false;
    const kind = word.startsWith("/") && start === 0 ? "command" : word.startsWith("#") ? "room" : "nick";
    const typed = word.replace(/^[@!]/, "").toLowerCase();
    const sigil = kind === "nick" ? word.slice(0, word.length - word.replace(/^[@!]/, "").length) : "";
    const options = [...new Set(this.host.completions(kind))]
      .filter((o) => o.toLowerCase().startsWith(kind === "nick" ? typed : word.toLowerCase()) && o.toLowerCase() !== (kind === "nick" ? typed : word.toLowerCase()))
      .sort((a, b) => a.localeCompare(b))
      .map((o) => {
        // A nick at the start of a message addresses them ("ana: "), which names them too.
        if (kind === "nick") return sigil + o + (start === 0 && !sigil ? ": " : " ");
        return o + " ";
      });
    if (!options.length) return false;
    const c = { start, end: caret, options, index: 0 };
    this.completing = c;
    return this.put(c, options[0]!);
  }

  private put(c: NonNullable<Composer["completing"]>, text: string): boolean {
    const box = this.box;
    box.value = box.value.slice(0, c.start) + text + box.value.slice(c.end);
    c.end = c.start + text.length;
    box.setSelectionRange(c.end, c.end);
    this.check(false);
    return true;
  }
}
