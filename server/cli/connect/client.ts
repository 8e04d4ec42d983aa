// `chat connect`'s session: one WebSocket to the server, logged in with the user's nick and
// password, shown like a telnet terminal (its current room, private messages, a line when named
// elsewhere). When the connection drops it reconnects with backoff and resumes from the highest
// message id it has seen, so nothing is missed and, with the ids it has shown, nothing comes twice.

import { foldKey } from "../../core/names.ts";
import type { Lang, UserSettings } from "../../core/types.ts";
import { catalogue } from "../../render/i18n/index.ts";
import { renderText, renderWords, type TextView } from "../../render/text.ts";
import { Unsent } from "./unsent.ts";
import { CLOSE_POLICY, type ClientFrame, type ServerFrame } from "../../ws/protocol.ts";
import { shown } from "./frames.ts";

/** What the client draws on and asks with: the terminal, through the line editor. */
export interface Screen {
  print(text: string): void;
  ask(prompt: string, secret: boolean): Promise<string>;
  /** The session is over; `code` is the exit status. */
  done(code: number): void;
}

export interface ClientOptions {
  url: string;
  insecure: boolean;
  lang: Lang;
  colour: boolean;
  width: number;
}

// Message ids already shown, kept to a bound: a resume overlaps the live stream by a few at most.
const SEEN_MAX = 4096;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

export class ChatClient {
  readonly view: TextView;
  private ws: WebSocket | null = null;
  private token: string | null = null;
  private nick = "";
  private room = "";
  private maxSeen = 0;
  private readonly seen = new Set<number>();
  private attempt = 0;
  private everOpen = false;
  private stopped = false;
  private credentials: { nick: string; password: string } | null = null;
  /** A server prompt (e.g. /password's) waiting for the next typed line. */
  private prompted = false;
  /** Logged in on the current connection; until then typed lines wait in `pending`. */
  private ready = false;
  private reconnecting = false;
  private pending: ClientFrame[] = [];
  /** Messages sent and not yet confirmed: sent again, with the same ids, after a drop or an outage. */
  private readonly unsent = new Unsent();
  private readonly online = new Set<string>();
  /** A read marker to send for the current room: what a terminal has shown counts as read. */
  private readTimer: ReturnType<typeof setTimeout> | null = null;
  private readUpTo = 0;
  private readonly rooms = new Set<string>();

  constructor(private readonly options: ClientOptions, private readonly screen: Screen) {
    this.view = { lang: options.lang, width: options.width, colour: options.colour, bell: true };
  }

  start() {
    this.open();
  }

  /** Nicks online and the user's rooms (#…) that start with `word`, for Tab. */
  complete(word: string): string[] {
    const pool = word.startsWith("#") ? this.rooms : this.online;
    const key = word.toLowerCase();
    return [...pool].filter((n) => n.toLowerCase().startsWith(key)).sort().slice(0, 50);
  }

  /** A line the user typed: the answer to the server's prompt, or a line as on a terminal. */
  typed(text: string) {
    if (this.stopped) return;
    const answering = this.prompted;
    this.prompted = false;
    if (/^\/(quit|exit|salir|desconectar)\b/i.test(text.trim())) this.stopped = true;
    // An answer to a prompt (a password) is never kept: it goes once.
    if (answering) return this.send({ type: "line", text });
    const { frame, dropped } = this.unsent.frame(text);
    if (dropped) this.screen.print(renderWords(catalogue(this.view.lang).notices.not_sent_store_down({} as never), this.view, true));
    this.send(frame);
  }

  /** Ctrl-D, SIGTERM: leave now. */
  quit() {
    this.stopped = true;
    this.sendNow({ type: "quit" });
    this.ws?.close(1000);
    this.screen.done(0);
  }

  private open() {
    // Certificates are verified unless --insecure (a self-signed test server). The DOM's WebSocket
    // type, which the web client's build brings in, does not know Bun's options.
    const options: Bun.WebSocketOptions = { tls: { rejectUnauthorized: !this.options.insecure } };
    const ws = new WebSocket(this.options.url, options as never);
    this.ws = ws;
    ws.onopen = () => void this.opened();
    ws.onmessage = (e) => this.frame(JSON.parse(String(e.data)) as ServerFrame);
    ws.onclose = (e) => this.closed(e.code, e.reason);
  }

  private async opened() {
    const reconnect = this.everOpen;
    this.everOpen = true;
    this.attempt = 0;
    if (reconnect && this.token) {
      this.sendNow({ type: "resume", token: this.token, ...(this.maxSeen > 0 ? { since: this.maxSeen } : {}), room: this.room, lang: this.view.lang });
      return;
    }
    if (!this.credentials) await this.askCredentials();
    this.sendNow({ type: "login", ...this.credentials!, lang: this.view.lang });
  }

  private async askCredentials() {
    const t = catalogue(this.view.lang).notices;
    const nick = (await this.screen.ask(t.prompt_nick({} as never), false)).trim();
    const password = await this.screen.ask(t.prompt_password({} as never), true);
    this.credentials = { nick, password };
  }

  private frame(f: ServerFrame) {
    this.track(f);
    if (f.type === "welcome") {
      this.nick = f.nick;
      this.room = f.room;
      this.view.lang = f.lang;
      this.view.me = foldKey(f.nick);
      this.applySettings(f.settings);
      if (f.token) this.token = f.token;
      this.ready = true;
      if (this.reconnecting) this.screen.print(renderWords(catalogue(f.lang).text.reconnected, this.view));
      this.reconnecting = false;
      for (const frame of this.pending.splice(0)) this.send(frame);
      // What the server had not confirmed goes again; one it had stored comes back as it was, not twice.
      for (const frame of this.unsent.again()) this.send(frame);
    } else if (f.type === "token") this.token = f.token;
    else if (f.type === "room") {
      if (f.room !== this.room) this.readUpTo = 0;
      this.room = f.room;
    }
    else if (f.type === "settings") {
      this.view.lang = f.lang;
      this.applySettings(f.settings);
    }
    // A refused login: asked again, and the next connection asks too.
    const refused = f.type === "error" && !this.nick ? this.credentials : null;
    if (f.type === "error" && !this.nick) this.credentials = null;
    if (f.type === "message" || f.type === "error") this.unsent.settled(f.cid, f.type === "error" ? f.key : undefined);
    if (f.type === "notice" && f.key === "sending_resumed") for (const frame of this.unsent.again()) this.send(frame);
    if (f.type === "message" && !this.fresh(f.id)) return;
    if (f.type === "message" && f.to === undefined && f.room !== this.room) {
      // Another of the user's rooms: a terminal shows only a line when it names the user.
      const named = f.mentions?.some((n) => foldKey(n) === this.view.me);
      if (named) this.draw({ kind: "event", event: { type: "mention", message: { ...f, at: new Date(f.at) } } });
      return;
    }
    if (f.type === "history") for (const m of f.messages) this.fresh(m.id);
    this.draw(shown(f));
    if (f.type === "message" && f.room === this.room) this.markRead(f.id);
    if (f.type === "history" && f.room === this.room && f.messages.length) this.markRead(f.messages.at(-1)!.id);
    if (f.type === "error" && !this.nick) void (f.key === "no_such_account" && refused ? this.createAccount(refused) : this.retryLogin());
  }

  /** Says the room is read up to `id`, once a burst of messages has settled. */
  private markRead(id: number) {
    this.readUpTo = Math.max(this.readUpTo, id);
    this.readTimer ??= setTimeout(() => {
      this.readTimer = null;
      if (this.readUpTo > 0) this.send({ type: "read", room: this.room, id: this.readUpTo });
    }, 500);
  }

  /** Who is online and which rooms are the user's, for Tab completion. */
  private track(f: ServerFrame) {
    if (f.type === "welcome") {
      this.online.clear();
      for (const u of f.users) this.online.add(u.nick);
      this.rooms.clear();
      for (const c of f.conversations) if (c.room !== undefined) this.rooms.add(c.room);
    } else if (f.type === "presence") {
      if (f.change === "online") this.online.add(f.nick);
      else if (f.change === "offline") this.online.delete(f.nick);
    } else if (f.type === "membership") {
      if (f.joined) this.rooms.add(f.room);
      else this.rooms.delete(f.room);
    }
  }

  /** Whether a message id is new to this client (and remembers it). */
  private fresh(id: number): boolean {
    if (this.seen.has(id)) return false;
    this.seen.add(id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
    if (id > this.maxSeen) this.maxSeen = id;
    return true;
  }

  private draw(s: ReturnType<typeof shown>) {
    if (s.kind === "event") this.screen.print(renderText(s.event, this.view));
    else if (s.kind === "words") this.screen.print(renderWords(s.text, this.view, s.error));
    else if (s.kind === "prompt") {
      this.prompted = true;
      void this.screen.ask(s.text, s.secret).then((answer) => this.prompted && this.typed(answer));
    }
  }

  /** A nick with no account: as on the web, it is created only when the password is typed twice. */
  private async createAccount(first: { nick: string; password: string }) {
    const t = catalogue(this.view.lang).notices;
    const again = await this.screen.ask(t.prompt_repeat_password({} as never), true);
    if (again !== first.password) {
      this.screen.print(renderWords(t.passwords_differ_retry({} as never), this.view, true));
      return this.retryLogin();
    }
    this.credentials = first;
    this.sendNow({ type: "login", ...first, confirm: again, lang: this.view.lang });
  }

  private async retryLogin() {
    await this.askCredentials();
    this.sendNow({ type: "login", ...this.credentials!, lang: this.view.lang });
  }

  private applySettings(settings: UserSettings) {
    this.view.colour = settings.color ?? this.options.colour;
    this.view.bell = settings.bell ?? true;
  }

  private closed(code: number, reason: string) {
    this.ws = null;
    this.ready = false;
    if (this.stopped) return this.screen.done(0);
    const t = catalogue(this.view.lang).text;
    if (code === CLOSE_POLICY) {
      this.screen.print(renderWords(t.closedForGood + (reason ? ` (${reason})` : ""), this.view, true));
      return this.screen.done(1);
    }
    if (!this.everOpen && this.attempt === 0) {
      this.screen.print(renderWords(t.cannotConnect(this.options.url, reason || `closed (${code})`), this.view, true));
    }
    const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]!;
    // One line for the whole outage, not one per try.
    if (this.attempt === 1 && this.everOpen) {
      this.reconnecting = true;
      this.screen.print(renderWords(t.reconnecting(delay / 1000), this.view));
    }
    setTimeout(() => !this.stopped && this.open(), delay * (0.75 + Math.random() / 2));
  }

  /** Sends once logged in; typed while the connection is down, it waits for the resume. */
  private send(frame: ClientFrame) {
    if (this.ready && this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
    // A message is kept in `unsent` and goes again at the next login; a command waits here.
    else if (!("cid" in frame) && this.pending.length < 100) this.pending.push(frame);
  }

  private sendNow(frame: ClientFrame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }
}
