import { LineClient } from "./client.ts";
import { WsClient } from "./ws-client.ts";

// One person at a keyboard, on either client: the shared scenarios (scenarios.test.ts) type the
// same lines through both and expect the same results. Each implementation reads what its own
// client shows: terminal lines, or WebSocket frames.

export type Transport = "telnet" | "web";

/** A chat message as a person sees it. */
export interface Seen {
  kind: "public" | "private" | "emote";
  from: string;
  text: string;
  /** Private messages: the recipient. */
  to?: string;
  /** Web only: the conversation it was shown in ("#room" or "@nick"). */
  in?: string;
}

export interface RoomCount {
  name: string;
  unread: number;
  mentions: number;
}

export interface Person {
  readonly nick: string;
  readonly transport: Transport;
  /** Types a line, as in the client's message box or prompt, in the conversation it shows. */
  type(line: string): void;
  /** `/join`, waiting until the room is shown. */
  join(room: string): Promise<void>;
  /** The first message shown (now or later) that matches. */
  sees(match: Partial<Seen>): Promise<Seen>;
  /** Messages shown so far. */
  shown(): Seen[];
  /** The next error shown after the call, as words. */
  nextError(): Promise<string>;
  /** A notice (not an error) whose words match. */
  notice(re: RegExp): Promise<string>;
  /** Waits until the person is told that `from` named them in `room`. */
  mentioned(room: string, from: string, text: string): Promise<void>;
  /** The person's rooms with their counts, as /rooms shows them. */
  rooms(): Promise<RoomCount[]>;
  /** Types `/search words` and reads what it found, newest first; `in` is the room, when in one. */
  search(words: string): Promise<Seen[]>;
  close(): void;
}

const matches = (m: Seen, want: Partial<Seen>) => Object.entries(want).every(([k, v]) => (m as any)[k] === v);

export async function login(transport: Transport, port: { tcp: number; http: number }, nick: string, password = "secret-pw"): Promise<Person> {
  return transport === "telnet" ? TelnetPerson.login(port.tcp, nick, password) : WebPerson.login(port.http, nick, password);
}

const MESSAGE = /^\[[^\]]+\] (?:<(\S+)> (.*)|\* (\S+) (.*)|\[(\S+) → (\S+)\] (.*))$/;

class TelnetPerson implements Person {
  readonly transport = "telnet";
  private errorsSeen = 0;

  private constructor(readonly nick: string, private readonly c: LineClient) {}

  static async login(port: number, nick: string, password: string) {
    return new TelnetPerson(nick, await LineClient.login(port, nick, password));
  }

  type(line: string) {
    this.errorsSeen = this.errors().length;
    this.c.send(line);
  }

  async join(room: string) {
    const before = this.c.lines.length;
    this.c.send(`/join ${room}`);
    await this.c.waitFor(new RegExp(`^--- Recent messages in ${room}( |$)`), { from: before });
    await this.c.waitFor(/^--- end ---$/, { from: before });
  }

  shown(): Seen[] {
    return this.c.lines.flatMap((l): Seen[] => {
      const m = MESSAGE.exec(l.replace(/^\*\*\* In #\S+: /, "\u0000"));
      if (!m || l.startsWith("\u0000")) return [];
      if (m[1]) return [{ kind: "public", from: m[1], text: m[2]! }];
      if (m[3]) return [{ kind: "emote", from: m[3], text: m[4]! }];
      const text = m[7]!;
      const emote = new RegExp(`^\\* ${m[5]} `).exec(text);
      return [{ kind: emote ? "emote" : "private", from: m[5]!, to: m[6]!, text: emote ? text.slice(emote[0].length) : text }];
    });
  }

  async sees(want: Partial<Seen>): Promise<Seen> {
    await this.c.until(() => this.shown().some((m) => matches(m, want)), JSON.stringify(want));
    return this.shown().find((m) => matches(m, want))!;
  }

  private errors() {
    return this.c.lines.filter((l) => l.startsWith("*** Error: "));
  }

  async nextError(): Promise<string> {
    const after = this.errorsSeen;
    await this.c.until(() => this.errors().length > after, "an error");
    return this.errors()[after]!.slice("*** Error: ".length);
  }

  async notice(re: RegExp): Promise<string> {
    const line = await this.c.waitFor(new RegExp(`^\\*\\*\\* ${re.source}`));
    return line.slice(4);
  }

  async mentioned(room: string, from: string, text: string) {
    await this.c.waitFor(new RegExp(`^\\*\\*\\* In ${room}: \\[[^\\]]+\\] <${from}> ${escape(text)}$`));
  }

  async rooms(): Promise<RoomCount[]> {
    const start = this.c.lines.length;
    this.c.send("/rooms");
    await this.c.waitFor(/^\*\*\* Your rooms:$/, { from: start });
    // The list ends where the next line that is not one of its rows begins: ask again for a marker.
    this.c.send("/motd");
    await this.c.waitFor(/^\*\*\* Welcome/, { from: start });
    const lines = this.c.lines.slice(start);
    const first = lines.indexOf("*** Your rooms:");
    const rows: RoomCount[] = [];
    for (const l of lines.slice(first + 1)) {
      const m = /^ {2}[* ] (#\S+)\s+\d+ of \d+ members? online(?:\s+(\d+)\+? unread(?: \((\d+) mentions?\))?)?$/.exec(l);
      if (!m) break;
      rows.push({ name: m[1]!, unread: Number(m[2] ?? 0), mentions: Number(m[3] ?? 0) });
    }
    return rows;
  }

  async search(words: string): Promise<Seen[]> {
    const start = this.c.lines.length;
    this.c.send(`/search ${words}`);
    await this.c.waitFor(/^--- \d+ messages? match/, { from: start });
    await this.c.waitFor(/^--- end ---$/, { from: start });
    const lines = this.c.lines.slice(start);
    const body = lines.slice(lines.findIndex((l) => /^--- \d+ messages? match/.test(l)) + 1, lines.indexOf("--- end ---"));
    const found: Seen[] = [];
    for (const l of body) {
      const m = SEARCH_LINE.exec(l);
      // Not a result: the "nothing found" line, or a later line of a message of several.
      if (!m) continue;
      const [, room, from, text, eFrom, eText, pFrom, pTo, pText] = m;
      const kind = from ? "public" : eFrom ? "emote" : "private";
      found.push({ kind, from: (from ?? eFrom ?? pFrom)!, text: (text ?? eText ?? pText)!, ...(pTo ? { to: pTo } : {}), ...(room ? { in: room } : {}) });
    }
    return found;
  }

  close() {
    this.c.close();
  }
}

/** A search result on a terminal: the message line with its room after the time. */
const SEARCH_LINE = /^\[[^\]]+\](?: (#\S+))? (?:<(\S+)> (.*)|\* (\S+) (.*)|\[(\S+) → (\S+)\] (.*))$/;

class WebPerson implements Person {
  readonly transport = "web";
  /** The conversation the person is looking at: the server's current room, as the web client shows it. */
  private current = "#lobby";
  private errorsSeen = 0;

  private constructor(readonly nick: string, private readonly c: WsClient) {
    c.onFrame = (f) => this.read(f);
  }

  static async login(port: number, nick: string, password: string) {
    const c = await WsClient.open(port);
    const p = new WebPerson(nick, c);
    for (const f of c.frames) p.read(f);
    await c.signIn(nick, password);
    await c.waitFor((f) => f.type === "history" && f.reason === "recent");
    return p;
  }

  /** What the web client does as frames arrive: it shows the current room and marks it read. */
  private read(f: any) {
    if (f.type === "room") this.current = f.room;
    const shownHere = (f.type === "history" && f.room === this.current) || (f.type === "message" && f.room === this.current);
    if (shownHere) {
      const id = f.type === "message" ? f.id : Math.max(0, ...f.messages.map((m: any) => m.id));
      if (id > 0) this.c.send({ type: "read", room: this.current, id });
    }
  }

  type(line: string) {
    this.errorsSeen = this.c.frames.filter((f) => f.type === "error").length;
    this.c.send({ type: "line", text: line, to: this.current });
  }

  async join(room: string) {
    const from = this.c.frames.length;
    this.c.send({ type: "line", text: `/join ${room}`, to: this.current });
    await this.c.waitFor((f) => f.type === "history" && f.room === room && f.reason === "recent", { from });
  }

  shown(): Seen[] {
    const toSeen = (m: any, where: string): Seen => ({ kind: m.kind, from: m.from, text: m.text, ...(m.to ? { to: m.to } : {}), in: where });
    const peer = (m: any) => `@${m.from === this.nick ? m.to : m.from}`;
    return this.c.frames.flatMap((f) => {
      if (f.type === "message") return [toSeen(f, f.room ?? peer(f))];
      if (f.type === "history") return f.messages.map((m: any) => toSeen(m, f.room ?? `@${f.with}`));
      return [];
    });
  }

  async sees(want: Partial<Seen>): Promise<Seen> {
    await this.c.waitFor(() => this.shown().some((m) => matches(m, want)));
    return this.shown().find((m) => matches(m, want))!;
  }

  async nextError(): Promise<string> {
    const after = this.errorsSeen;
    await this.c.waitFor(() => this.c.frames.filter((f) => f.type === "error").length > after);
    return this.c.frames.filter((f) => f.type === "error")[after].message;
  }

  async notice(re: RegExp): Promise<string> {
    return (await this.c.waitFor((f) => f.type === "notice" && re.test(f.text))).text;
  }

  async mentioned(room: string, from: string, text: string) {
    const named = (m: any) => m.room === room && m.from === from && m.text === text && (m.mentions ?? []).some((n: string) => n.toLowerCase() === this.nick.toLowerCase());
    await this.c.waitFor((f) => (f.type === "message" && named(f)) || (f.type === "mention" && named(f.message)));
  }

  async rooms(): Promise<RoomCount[]> {
    const from = this.c.frames.length;
    this.c.send({ type: "rooms" });
    const f = await this.c.waitFor((x) => x.type === "rooms", { from });
    return f.rooms.filter((r: any) => r.unread !== undefined).map((r: any) => ({ name: r.name, unread: r.unread, mentions: r.mentions ?? 0 }));
  }

  async search(words: string): Promise<Seen[]> {
    const from = this.c.frames.length;
    this.type(`/search ${words}`);
    const f = await this.c.waitFor((x) => x.type === "search", { from });
    return f.messages.map((m: any) => ({ kind: m.kind, from: m.from, text: m.text, ...(m.to ? { to: m.to } : {}), ...(m.room ? { in: m.room } : {}) }));
  }

  close() {
    this.c.close();
  }
}

function escape(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
