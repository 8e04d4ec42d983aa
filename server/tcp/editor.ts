// A line editor for a terminal whose every key reaches us (telnet character mode, or `chat
// connect` in raw mode). It knows nothing of sockets: keys go in, bytes for the screen come out
// through `write`, and finished lines come back from `feed`. The input line stays at the bottom:
// whatever is printed erases it, appears above it, and the prompt and the partial input are drawn
// again with the cursor where it was. Positions are display columns (CJK and emoji take two,
// combining marks none), and input longer than the window wraps at its width.

import { displayWidth } from "../render/layout.ts";
import { drawInput, place } from "./input-layout.ts";
import { KeyReader, type Key, type KeyName } from "./keys.ts";

/** Candidates for a word being completed: commands when `command`, else nicks or (#…) rooms. */
export type Completer = (word: string, command: boolean) => string[];

export type EditorAction = { kind: "line"; text: string; secret: boolean } | { kind: "quit" };

export interface EditorOptions {
  write: (bytes: Uint8Array) => void;
  complete?: Completer;
  /** Columns; 80 when the terminal has not said. */
  width?: number;
  /** Longest line in UTF-8 bytes; typing past it rings the bell. */
  maxBytes?: number;
  /** Shown before the input when no question is asked. */
  prompt?: string;
  /** Ctrl-C on an empty line quits (a local client, where Ctrl-C is how programs end). */
  interruptQuits?: boolean;
}

export const HISTORY_SIZE = 50;
const encoder = new TextEncoder();
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const graphemes = (s: string) => Array.from(segmenter.segment(s), (g) => g.segment);
const BELL = "\x07";

export class LineEditor {
  /** The input as graphemes: moving and deleting never segment the whole line again. */
  private chars: string[] = [];
  /** Cursor as an index into `chars`. */
  private cursor = 0;
  private width: number;
  private readonly basePrompt: string;
  private question: { prompt: string; secret: boolean } | null = null;
  private readonly history: string[] = [];
  private historyAt = 0;
  private draft = "";
  private readonly reader = new KeyReader();
  /** How to erase what is on the screen now; null when the input is not on it. */
  private onScreen: Uint8Array | null = null;
  /** Drawing and erasing the current state, kept while nothing changes: a busy room prints many lines between two keys. */
  private drawn: { erase: Uint8Array; draw: Uint8Array } | null = null;
  /** The state changed and is not drawn yet: keys are applied first, and drawn once per chunk. */
  private dirty = false;

  constructor(private readonly options: EditorOptions) {
    this.width = Math.max(options.width || 80, 8);
    this.basePrompt = options.prompt ?? "";
  }

  private get text(): string {
    return this.chars.join("");
  }

  /** The bytes of keys typed; returns the lines finished (and whether the user quit). */
  feed(bytes: Uint8Array): EditorAction[] {
    const actions: EditorAction[] = [];
    for (const key of this.reader.read(bytes)) {
      const action = this.press(key);
      if (action) actions.push(action);
      if (action?.kind === "quit") break;
    }
    if (this.dirty) this.render();
    return actions;
  }

  /** Shows text above the input line (whole lines, ending in CRLF), then draws the input again. */
  print(bytes: Uint8Array) {
    if (this.onScreen) this.options.write(this.onScreen);
    this.options.write(bytes);
    this.onScreen = null;
    this.render();
  }

  /** Asks a question: the next line answers it; a secret answer is not shown as it is typed. */
  ask(prompt: string, secret: boolean) {
    this.question = { prompt, secret };
    this.set([], 0);
    this.render();
  }

  /** The terminal's new width (NAWS); the input is drawn again for it. */
  resize(width: number) {
    if (width <= 0) return;
    this.width = Math.max(width, 8);
    this.drawn = null;
    this.render();
  }

  /** Draws the prompt and input for the first time, or again (Ctrl-L). */
  redraw() {
    this.render();
  }

  /** Takes the input line off the screen, leaving the cursor at its start (before the editor stops). */
  clear() {
    if (this.onScreen) this.options.write(this.onScreen);
    this.onScreen = null;
  }

  private press(key: Key): EditorAction | null {
    if ("text" in key) {
      this.insert(key.text);
      return null;
    }
    return this.act(key.key);
  }

  private act(name: KeyName): EditorAction | null {
    const g = this.chars;
    const at = this.cursor;
    switch (name) {
      case "enter": return this.submit();
      case "eof":
        if (g.length === 0) return { kind: "quit" };
        if (at < g.length) this.set([...g.slice(0, at), ...g.slice(at + 1)], at);
        return null;
      case "backspace":
        if (at > 0) this.set([...g.slice(0, at - 1), ...g.slice(at)], at - 1);
        return null;
      case "delete":
        if (at < g.length) this.set([...g.slice(0, at), ...g.slice(at + 1)], at);
        return null;
      case "left": return this.move(Math.max(0, at - 1));
      case "right": return this.move(Math.min(g.length, at + 1));
      case "home": return this.move(0);
      case "end": return this.move(g.length);
      case "kill-start": this.set(g.slice(at), 0); return null;
      case "kill-end": this.set(g.slice(0, at), at); return null;
      case "kill-word": {
        let from = at;
        while (from > 0 && /\s/.test(g[from - 1]!)) from--;
        while (from > 0 && !/\s/.test(g[from - 1]!)) from--;
        this.set([...g.slice(0, from), ...g.slice(at)], from);
        return null;
      }
      case "redraw": this.dirty = true; return null;
      case "interrupt":
        if (g.length === 0 && this.options.interruptQuits) return { kind: "quit" };
        this.historyAt = this.history.length;
        this.set([], 0);
        return null;
      case "up": return this.browse(-1);
      case "down": return this.browse(1);
      case "tab": this.completeWord(); return null;
    }
  }

  private submit(): EditorAction {
    const text = this.text;
    const question = this.question;
    if (!question?.secret && text.trim() !== "" && this.history.at(-1) !== text) {
      this.history.push(text);
      if (this.history.length > HISTORY_SIZE) this.history.shift();
    }
    this.historyAt = this.history.length;
    this.draft = "";
    if (question) {
      // An answer stays on screen under its question (a secret one shows nothing).
      this.move(this.chars.length);
      this.render();
      this.options.write(encoder.encode("\r\n"));
      this.onScreen = null;
      this.question = null;
    }
    // A chat line leaves the screen: the server shows it back as it was stored, once.
    this.set([], 0);
    return { kind: "line", text, secret: question?.secret ?? false };
  }

  private insert(typed: string) {
    const g = this.chars;
    const at = this.cursor;
    if (this.options.maxBytes !== undefined && encoder.encode(this.text).length + encoder.encode(typed).length > this.options.maxBytes) {
      this.options.write(encoder.encode(BELL));
      return;
    }
    // Typed text may join the character before it (a combining mark): only those two are segmented again.
    const before = at > 0 ? g[at - 1]! : "";
    const joined = graphemes(before + typed);
    const added = at > 0 ? joined.length - 1 : joined.length;
    const next = [...g.slice(0, Math.max(0, at - 1)), ...joined, ...g.slice(at)];
    // The common case, plain text typed at the end of a line with room left, is just its echo.
    const fast = !this.dirty && this.onScreen && at === g.length && /^[\x20-\x7e]+$/.test(typed) && !this.question?.secret
      && this.endColumn() + typed.length < this.width;
    this.set(next, at + added);
    if (fast) {
      this.options.write(encoder.encode(typed));
      // The cursor stayed on its row, so the way to erase is unchanged; only the drawing is stale.
      this.dirty = false;
    }
  }

  private browse(step: number): null {
    const at = this.historyAt + step;
    if (at < 0 || at > this.history.length) return null;
    if (this.historyAt === this.history.length) this.draft = this.text;
    this.historyAt = at;
    const chars = graphemes(at === this.history.length ? this.draft : this.history[at]!);
    this.set(chars, chars.length);
    return null;
  }

  private completeWord() {
    const g = this.chars;
    let start = this.cursor;
    while (start > 0 && !/\s/.test(g[start - 1]!)) start--;
    const word = g.slice(start, this.cursor).join("");
    const command = start === 0 && word.startsWith("/");
    const found = this.options.complete?.(command ? word.slice(1) : word, command) ?? [];
    if (word === "" || found.length === 0) {
      this.options.write(encoder.encode(BELL));
      return;
    }
    const prefix = commonPrefix(found);
    const whole = found.length === 1;
    const ending = whole ? (start === 0 && !command && !word.startsWith("#") ? ": " : " ") : "";
    const typed = command ? word.slice(1) : word;
    const replacement = (command ? "/" : "") + (prefix.length >= typed.length ? prefix : typed) + ending;
    if (!whole && replacement === word) {
      // Nothing more in common: the choices are shown above the line.
      if (this.dirty) this.render();
      this.print(encoder.encode(found.map((f) => (command ? "/" : "") + f).join("  ") + "\r\n"));
      return;
    }
    const inserted = graphemes(replacement);
    this.set([...g.slice(0, start), ...inserted, ...g.slice(this.cursor)], start + inserted.length);
  }

  private move(cursor: number): null {
    if (cursor !== this.cursor) {
      this.cursor = cursor;
      this.changed();
    }
    return null;
  }

  private set(chars: string[], cursor: number) {
    this.chars = chars;
    this.cursor = cursor;
    this.changed();
  }

  private changed() {
    this.drawn = null;
    this.dirty = true;
  }

  /** Erases the input as it is on the screen and draws the current state. */
  private render() {
    const { erase, draw } = this.layout();
    if (this.onScreen) this.options.write(this.onScreen);
    this.options.write(draw);
    this.onScreen = erase;
    this.dirty = false;
  }

  /** Where the end of the input is, in columns on its last row. */
  private endColumn(): number {
    return place(this.cells(), this.width).end.col;
  }

  private cells(): { text: string; w: number }[] {
    const prompt = graphemes(this.question?.prompt ?? this.basePrompt);
    const shown = this.question?.secret ? prompt : [...prompt, ...this.chars];
    return shown.map((text) => ({ text, w: displayWidth(text) }));
  }

  private layout(): { erase: Uint8Array; draw: Uint8Array } {
    if (this.drawn) return this.drawn;
    const cells = this.cells();
    const secret = this.question?.secret ?? false;
    // A secret answer is not drawn, so the cursor stays after the question.
    const cursor = secret ? cells.length : cells.length - this.chars.length + this.cursor;
    const { erase, draw } = drawInput(cells, cursor, this.width);
    this.drawn = { erase: encoder.encode(erase), draw: encoder.encode(draw) };
    return this.drawn;
  }
}

function commonPrefix(words: string[]): string {
  let prefix = words[0]!;
  for (const w of words) {
    while (!w.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
