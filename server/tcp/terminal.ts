// What one telnet/nc connection's screen does with the core's events and the client's input: line
// mode (nc, scripts, `/set editor off`) writes events as they come; a telnet client that agrees to
// character at a time gets the line editor, so chat never scrambles what is being typed.

import type { ChatEvent } from "../core/events.ts";
import { foldKey } from "../core/names.ts";
import type { UserSettings } from "../core/types.ts";
import { renderText, textBytes, DEFAULT_WIDTH, type TextView } from "../render/text.ts";
import { LineEditor } from "./editor.ts";
import type { TelnetDecoder, TelnetInput } from "./telnet.ts";

/** What the terminal needs of the chat: the edge hands these to the core's Gateway. */
export interface TerminalChat {
  line(text: string): void;
  /** Ctrl-D on an empty line: `/quit`, or, while a question waits for its answer, just hang up. */
  quit(answering: boolean): void;
  complete(word: string, command: boolean): string[];
  /** The line is too long or the input a flood (from the decoder). */
  refused(input: Extract<TelnetInput, { kind: "too-long" | "flood" }>): void;
}

const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");
const CLEAR_LINE = encoder.encode("\r\x1b[K");
// Names of terminals that show ANSI colour, as TTYPE sends them (xterm-256color, screen, tmux, …).
const COLOUR_TERMINALS = /xterm|color|colour|screen|tmux|rxvt|linux|ansi|vt220|konsole|gnome|putty|cygwin|alacritty|kitty/i;

export class Terminal {
  readonly view: TextView = { lang: "en", width: DEFAULT_WIDTH };
  private editor: LineEditor | null = null;
  /** A question asked and not yet answered, to hand to an editor that starts meanwhile. */
  private question: { prompt: string; secret: boolean } | null = null;
  /** Echo is off while a password prompt waits for its answer (line mode on telnet). */
  private hidden = false;
  private terminalType = "";
  private settings: UserSettings = {};
  /** `/set editor off` stopped the editor; `/set editor on` offers it again. */
  private stopped = false;

  constructor(
    private readonly decoder: TelnetDecoder,
    private readonly write: (bytes: Uint8Array) => void,
    private readonly chat: TerminalChat,
    private readonly maxLineBytes: () => number,
  ) {}

  /** An event from the core, shown in the connection's language. */
  show(event: ChatEvent, lang: TextView["lang"]) {
    this.view.lang = lang;
    if (event.type === "welcome" || event.type === "settings") this.apply(event.settings, event.type === "welcome" ? event.nick : undefined);
    if (event.type === "prompt") return this.ask(renderText(event, this.view), event.secret);
    const bytes = textBytes(event, this.view);
    if (bytes.length === 0) return;
    if (this.editor) this.editor.print(bytes);
    else this.write(bytes);
  }

  /** What the decoder made of the client's bytes. */
  input(inputs: TelnetInput[]) {
    for (const input of inputs) {
      switch (input.kind) {
        case "line":
          this.question = null;
          this.chat.line(input.text);
          break;
        case "too-long":
        case "flood":
          this.chat.refused(input);
          if (input.kind === "flood") return;
          break;
        case "telnet":
          if (this.settings.editor !== false) this.write(this.decoder.offerEditing());
          this.colourByDefault();
          break;
        case "editing":
          if (input.on) this.startEditor();
          else this.stopEditor();
          break;
        case "size":
          if (input.width > 0) {
            this.view.width = input.width;
            this.editor?.resize(input.width);
          }
          break;
        case "terminal":
          this.terminalType = input.name;
          this.colourByDefault();
          break;
        case "keys":
          for (const action of this.editor?.feed(input.bytes) ?? []) {
            if (action.kind === "quit") return this.chat.quit(this.question !== null);
            this.question = null;
            this.chat.line(action.text);
          }
          break;
      }
    }
  }

  /** The core has taken the answer to a secret question. */
  secretAnswered() {
    if (!this.hidden) return;
    this.hidden = false;
    // The client echoed nothing, not even the line end.
    this.write(this.decoder.showInput());
    this.write(CRLF);
  }

  private ask(prompt: string, secret: boolean) {
    this.question = { prompt, secret };
    if (this.editor) return this.editor.ask(prompt, secret);
    if (secret && this.decoder.speaksTelnet) {
      this.write(this.decoder.hideInput());
      this.hidden = true;
    }
    this.write(encoder.encode(prompt));
  }

  private startEditor() {
    if (this.editor) return;
    this.editor = new LineEditor({
      write: this.write,
      width: this.view.width,
      maxBytes: this.maxLineBytes(),
      prompt: "> ",
      complete: (word, command) => this.chat.complete(word, command),
    });
    // A question already on screen is asked again by the editor, which draws it from the line's start.
    this.write(CLEAR_LINE);
    if (this.question) this.editor.ask(this.question.prompt, this.question.secret);
    else this.editor.redraw();
    this.hidden = false;
  }

  private stopEditor() {
    if (!this.editor) return;
    this.editor.clear();
    this.editor = null;
  }

  /** The account's settings (at login, and after /set) decide editing, colour and bell. */
  private apply(settings: UserSettings, nick?: string) {
    this.settings = settings;
    if (nick !== undefined) this.view.me = foldKey(nick);
    if (settings.editor === false && this.decoder.editing) {
      this.stopEditor();
      this.write(this.decoder.stopEditing());
      this.stopped = true;
    } else if (settings.editor !== false && this.stopped) {
      this.stopped = false;
      this.write(this.decoder.offerEditing());
    }
    this.colourByDefault();
  }

  // Colour and bell follow the account's choice, else the terminal: telnet with a colour TTYPE gets
  // colour, any telnet client the bell, and a raw client (nc) neither.
  private colourByDefault() {
    this.view.colour = this.settings.color ?? COLOUR_TERMINALS.test(this.terminalType);
    this.view.bell = this.settings.bell ?? this.decoder.speaksTelnet;
  }
}
