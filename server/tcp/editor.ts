// A line editor for a terminal whose every key reaches us (telnet character mode, or `chat
// connect` in raw mode). It knows nothing of sockets: keys go in, bytes for the screen come out
// through `write`, and finished lines come back from `feed`. The input line stays at the bottom:
// whatever is printed erases it, appears above it, and the prompt and the partial input are drawn
// again with the cursor where it was. Positions are display columns (CJK and emoji take two,
// combining marks none), and input longer than the window wraps at its width.

import { displayWidth } from "../render/layout.ts";
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
  private text = "";
  /** Cursor as an index into the graphemes of `text`. */
  private cursor = 0;
  private width: number;
  private readonly basePrompt: string;
  private question: { prompt: string; secret: boolean } | null = null;
  private readonly history: string[] = [];
  private historyAt = 0;
  private draft = "";
  /** Whether the input is on the screen (so printing must erase it first). */
  private shown = false;
  private readonly reader = new KeyReader();
  // What erasing and drawing the input take, kept while nothing changes: a busy room prints many
  // lines between two keys.
  private drawn: { erase: Uint8Array; draw: Uint8Array } | null = null;

  constructor(private readonly options: EditorOptions) {
    this.width = Math.max(options.width || 80, 8);
    this.basePrompt = options.prompt ?? "";
  }

  /** The bytes of keys typed; returns the lines finished (and whether the user quit). */
  feed(bytes: Uint8Array): EditorAction[] {
    const actions: EditorAction[] = [];
    for (const key of this.reader.read(bytes)) {
      const action = this.press(key);
      if (action) actions.push(action);
      if (action?.kind === "quit") break;
    }
    return actions;
  }

  /** Shows text above the input line (whole lines, ending in CRLF), then draws the input again. */
  print(bytes: Uint8Array) {
    const { erase, draw } = this.layout();
    if (this.shown) this.options.write(erase);
    this.options.write(bytes);
    this.options.write(draw);
    this.shown = true;
  }

  /** Asks a question: the next line answers it; a secret answer is not shown as it is typed. */
  ask(prompt: string, secret: boolean) {
    this.replace(() => {
      this.question = { prompt, secret };
      this.text = "";
      this.cursor = 0;
    });
  }

  /** The terminal's new width (NAWS); the input is drawn again for it. */
  resize(width: number) {
    if (width <= 0) return;
    this.replace(() => (this.width = Math.max(width, 8)));
  }

  /** Draws the prompt and input for the first time, or again (Ctrl-L). */
  redraw() {
    this.replace(() => {});
  }

  /** Takes the input line off the screen, leaving the cursor at its start (before the editor stops). */
  clear() {
    if (this.shown) this.options.write(this.layout().erase);
    this.shown = false;
  }

  private press(key: Key): EditorAction | null {
    if ("text" in key) {
      this.insert(key.text);
      return null;
    }
    return this.act(key.key);
  }

  private act(name: KeyName): EditorAction | null {
    const g = graphemes(this.text);
    switch (name) {
      case "enter": return this.submit();
      case "eof":
        if (this.text === "") return { kind: "quit" };
        if (this.cursor < g.length) this.edit(g.slice(0, this.cursor).join("") + g.slice(this.cursor + 1).join(""), this.cursor);
        return null;
      case "backspace":
        if (this.cursor > 0) this.edit(g.slice(0, this.cursor - 1).join("") + g.slice(this.cursor).join(""), this.cursor - 1);
        return null;
      case "delete":
        if (this.cursor < g.length) this.edit(g.slice(0, this.cursor).join("") + g.slice(this.cursor + 1).join(""), this.cursor);
        return null;
      case "left": return this.move(Math.max(0, this.cursor - 1));
      case "right": return this.move(Math.min(g.length, this.cursor + 1));
      case "home": return this.move(0);
      case "end": return this.move(g.length);
      case "kill-start": this.edit(g.slice(this.cursor).join(""), 0); return null;
      case "kill-end": this.edit(g.slice(0, this.cursor).join(""), this.cursor); return null;
      case "kill-word": {
        let at = this.cursor;
        while (at > 0 && /\s/.test(g[at - 1]!)) at--;
        while (at > 0 && !/\s/.test(g[at - 1]!)) at--;
        this.edit(g.slice(0, at).join("") + g.slice(this.cursor).join(""), at);
        return null;
      }
      case "redraw": this.redraw(); return null;
      case "interrupt":
        if (this.text === "" && this.options.interruptQuits) return { kind: "quit" };
        this.historyAt = this.history.length;
        this.edit("", 0);
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
      this.cursor = graphemes(text).length;
      this.replace(() => {});
      this.options.write(encoder.encode("\r\n"));
      this.question = null;
      this.text = "";
      this.cursor = 0;
      this.drawn = null;
      this.options.write(this.layout().draw);
    } else {
      // A chat line leaves the screen: the server shows it back as it was stored, once.
      this.edit("", 0);
    }
    return { kind: "line", text, secret: question?.secret ?? false };
  }

  private insert(typed: string) {
    const g = graphemes(this.text);
    const before = g.slice(0, this.cursor).join("");
    const next = before + typed + g.slice(this.cursor).join("");
    if (this.options.maxBytes !== undefined && encoder.encode(next).length > this.options.maxBytes) {
      this.options.write(encoder.encode(BELL));
      return;
    }
    const cursor = graphemes(before + typed).length;
    // The common case, plain text typed at the end of a line with room left, is just its echo.
    const end = this.cursor === g.length && /^[\x20-\x7e]+$/.test(typed) && !this.question?.secret;
    if (end && this.shown && this.endColumn() + typed.length < this.width) {
      this.text = next;
      this.cursor = cursor;
      this.drawn = null;
      this.options.write(encoder.encode(typed));
      return;
    }
    this.edit(next, cursor);
  }

  private browse(step: number): null {
    const at = this.historyAt + step;
    if (at < 0 || at > this.history.length) return null;
    if (this.historyAt === this.history.length) this.draft = this.text;
    this.historyAt = at;
    const text = at === this.history.length ? this.draft : this.history[at]!;
    this.edit(text, graphemes(text).length);
    return null;
  }

  private completeWord() {
    const g = graphemes(this.text);
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
    const replacement = (command ? "/" : "") + (prefix.length >= word.length - (command ? 1 : 0) ? prefix : word.slice(command ? 1 : 0)) + ending;
    if (!whole && replacement === word) {
      // Nothing more in common: the choices are shown above the line.
      this.print(encoder.encode(found.map((f) => (command ? "/" : "") + f).join("  ") + "\r\n"));
      return;
    }
    const before = g.slice(0, start).join("") + replacement;
    this.edit(before + g.slice(this.cursor).join(""), graphemes(before).length);
  }

  private move(cursor: number): null {
    if (cursor !== this.cursor) this.replace(() => (this.cursor = cursor));
    return null;
  }

  private edit(text: string, cursor: number) {
    this.replace(() => {
      this.text = text;
      this.cursor = cursor;
    });
  }

  /** Erases the input as drawn, changes the state, and draws it again. */
  private replace(change: () => void) {
    const { erase } = this.layout();
    change();
    this.drawn = null;
    if (this.shown) this.options.write(erase);
    this.options.write(this.layout().draw);
    this.shown = true;
  }

  /** Where the end of the input is, in columns on its last row. */
  private endColumn(): number {
    return place(this.cells(), this.width).end.col;
  }

  private cells(): { text: string; w: number }[] {
    const prompt = this.question?.prompt ?? this.basePrompt;
    const shown = this.question?.secret ? prompt : prompt + this.text;
    return graphemes(shown).map((text) => ({ text, w: displayWidth(text) }));
  }

  /**
   * How to draw the input, and how to erase it once drawn: the terminal's cursor is then on the
   * cursor's row, so erasing goes up that many rows and clears to the end of the screen.
   */
  private layout(): { erase: Uint8Array; draw: Uint8Array } {
    if (this.drawn) return this.drawn;
    const cells = this.cells();
    const { at, end } = place(cells, this.width);
    const secret = this.question?.secret ?? false;
    const promptCells = secret ? cells.length : cells.length - graphemes(this.text).length;
    const target = secret || promptCells + this.cursor >= cells.length ? end : at[promptCells + this.cursor]!;
    let draw = "";
    let row = 0;
    cells.forEach((c, i) => {
      if (at[i]!.row !== row) {
        draw += "\r\n";
        row = at[i]!.row;
      }
      draw += c.text;
    });
    if (end.row !== row) draw += "\r\n";
    if (end.row > target.row) draw += `\x1b[${end.row - target.row}A`;
    if (end.row > target.row || end.col !== target.col) draw += "\r" + (target.col > 0 ? `\x1b[${target.col}C` : "");
    const erase = (target.row > 0 ? `\x1b[${target.row}A` : "") + "\r\x1b[J";
    this.drawn = { erase: encoder.encode(erase), draw: encoder.encode(draw) };
    return this.drawn;
  }
}

/** Each cell's row and column when the text wraps at `width`, and where the cursor goes after the last. */
export function place(cells: { w: number }[], width: number) {
  const at: { row: number; col: number }[] = [];
  let row = 0, col = 0;
  for (const c of cells) {
    // A wide character that does not fit at the end of a row starts the next one, as terminals do.
    if (col + c.w > width && col > 0) {
      row++;
      col = 0;
    }
    at.push({ row, col });
    col += c.w;
  }
  // A full last row leaves the cursor at the start of the next (terminals would wait at the edge).
  if (col >= width) {
    row++;
    col = 0;
  }
  return { at, end: { row, col } };
}

function commonPrefix(words: string[]): string {
  let prefix = words[0]!;
  for (const w of words) {
    while (!w.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
