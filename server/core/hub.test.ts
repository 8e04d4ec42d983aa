import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { configSchema } from "../config/schema.ts";
import { embeddedStore } from "../store/pglite.ts";
import { createRegistry } from "./commands/index.ts";
import type { ChatEvent, PresenceEvent } from "./events.ts";
import { Hub, type PasswordHasher } from "./hub.ts";
import { promptLogin } from "./login.ts";
import type { Session, SessionSink } from "./session.ts";
import type { Store } from "./store.ts";

// The hub with no sockets: real in-memory PGlite (one per file, so each test uses its own nicks
// and rooms), a fresh Hub per test, and sessions whose sink records what they are sent.

const passwords: PasswordHasher = { hash: async (pw) => "h:" + pw, verify: async (pw, hash) => hash === "h:" + pw };
const { serverName, motd, limits } = configSchema.parse({});
let store: Store;
let hub: Hub;

beforeAll(async () => {
  store = await embeddedStore(null);
  await store.migrate();
}, 60_000);
afterAll(() => store?.close());
beforeEach(() => {
  hub = new Hub(store, passwords, { serverName, motd, limits }, createRegistry());
});

async function until(what: string, cond: () => boolean, ms = 3000) {
  for (const end = Date.now() + ms; !cond(); await Bun.sleep(2)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

type Of<T extends ChatEvent["type"]> = Extract<ChatEvent, { type: T }>;

class Client implements SessionSink {
  readonly transport = "tcp";
  readonly remote = "test";
  events: ChatEvent[] = [];
  prompts: Of<"prompt">[] = [];
  closed = false;
  readonly session: Session = hub.connect(this);
  private answered = 0;
  send(e: ChatEvent) {
    this.events.push(e);
    if (e.type === "prompt") this.prompts.push(e);
  }
  close() { this.closed = true; }
  of<T extends ChatEvent["type"]>(type: T): Of<T>[] { return this.events.filter((e): e is Of<T> => e.type === type); }
  get messages() { return this.of("message").map((e) => e.message); }
  get texts() { return this.messages.map((m) => m.text); }
  get notes() { return this.of("system").map((e) => e.text); }
  get errors() { return this.of("error").map((e) => e.message); }
  type(line: string) { return hub.input(this.session, line); }
  /** Waits for the next prompt, checks its text, and answers it. */
  async answer(prompt: string, line: string) {
    await until(`prompt "${prompt}"`, () => this.prompts.length > this.answered);
    expect(this.prompts[this.answered++]!.text).toBe(prompt);
    await this.type(line);
  }
}

/** A logged-in session of `nick`, as after promptLogin, creating the account when needed. */
async function online(nick: string): Promise<Client> {
  const user = (await store.findUser(nick)) ?? (await hub.createAccount(nick, "pw-" + nick));
  const c = new Client();
  return hub.enter(c.session, user).then(() => c);
}

/** Logs each nick in, in order, then forgets every event the logins produced. */
async function everyone(...nicks: string[]): Promise<Client[]> {
  const clients: Client[] = [];
  for (const nick of nicks) clients.push(await online(nick));
  for (const c of clients) c.events = [];
  return clients;
}

const presence = (change: PresenceEvent["change"], nick: string, room: string, more: Partial<PresenceEvent> = {}): PresenceEvent =>
  ({ type: "presence", change, nick, online: true, status: "available", note: "", room, ...more });

describe("login", () => {
  test("a new nick asks for the password twice, retries after a mismatch, and creates the account", async () => {
    const c = new Client();
    const done = promptLogin(hub, c.session);
    await c.answer("Nickname: ", "Nuevo");
    await c.answer("New password: ", "secret1");
    await c.answer("Repeat password: ", "secret2");
    await c.answer("New password: ", "secret1");
    await c.answer("Repeat password: ", "secret1");
    await done;
    expect(c.notes.slice(0, 2)).toEqual([`Welcome to chat\n${motd.join("\n")}`, "Nuevo is a new nick; choose a password to create the account"]);
    expect(c.errors).toEqual(["The passwords do not match; try again"]);
    expect(c.prompts.map((p) => p.secret)).toEqual([false, true, true, true, true]);
    expect(c.of("welcome")).toEqual([expect.objectContaining({ type: "welcome", nick: "Nuevo", serverName: "chat", motd, room: "#lobby" })]);
    expect(c.of("welcome")[0]!.users).toContainEqual({ nick: "Nuevo", status: "available", note: "", rooms: [] });
    expect(c.of("welcome")[0]!.rooms).toContainEqual({ name: "#lobby", users: expect.any(Number) });
    expect(c.session.room?.name).toBe("#lobby");
    expect((await store.findUser("nuevo"))?.passwordHash).toBe("h:secret1");
  });

  test("a known nick gets three password tries, then the session is closed", async () => {
    await hub.createAccount("Cerrado", "right1");
    const c = new Client();
    const done = promptLogin(hub, c.session);
    await c.answer("Nickname: ", "cerrado");
    for (const pw of ["no1", "no2", "no3"]) await c.answer("Password: ", pw);
    await done;
    expect(c.errors).toEqual(["Wrong password", "Wrong password", "Wrong password too many times"]);
    expect([c.closed, c.session.closed, hub.sessions.has(c.session)]).toEqual([true, true, false]);
    expect(c.of("welcome")).toEqual([]);
  });
});

describe("messages", () => {
  test("a public message reaches everyone in the room, sender included, and nobody elsewhere", async () => {
    const [a, b, c] = await everyone("pubA", "pubB", "pubC");
    await c.type("/join #pub-other");
    await a.type("hola \u001b[2Ja todos");
    await until("b receives it", () => b.texts.length === 1);
    expect(a.messages[0]).toMatchObject({ kind: "public", from: "pubA", room: "#lobby", text: "hola [2Ja todos" });
    expect(b.messages).toEqual(a.messages);
    expect(c.messages).toEqual([]);
  });

  test("a private message reaches every session of the recipient and of the sender, and nobody else", async () => {
    const [p1, p2, q, r] = await everyone("privP", "privP", "privQ", "privR");
    await q.type("/msg privp secreto");
    await p1.type("!privQ vale");
    await q.type("/reply gracias");
    const expected = [["private", "privQ", "privP", "secreto"], ["private", "privP", "privQ", "vale"], ["private", "privQ", "privP", "gracias"]];
    for (const s of [p1, p2, q]) expect(s.messages.map((m) => [m.kind, m.from, m.to, m.text])).toEqual(expected);
    expect(r.events).toEqual([]);
    await r.type("/reply hola");
    await r.type("/msg nadie hola");
    expect(r.errors).toEqual(["Nobody has sent you a private message yet", 'No user named "nadie"']);
  });

  test("an offline recipient is told at next login how many private messages arrived, only once", async () => {
    const [a] = await everyone("offA");
    await hub.createAccount("offB", "pass1");
    await a.type("/msg offB nos vemos");
    expect(a.notes).toEqual(["offB is offline and will see your message at their next login"]);
    expect(a.texts).toEqual(["nos vemos"]);
    const b = await online("offB");
    expect(b.notes).toEqual(["While you were away, 1 private message arrived"]);
    const missed = b.of("history").filter((h) => h.title === "Missed private messages");
    expect(missed.map((h) => h.messages.map((m) => [m.from, m.to, m.text]))).toEqual([[["offA", "offB", "nos vemos"]]]);
    await b.type("/reply gracias");
    expect(a.messages.at(-1)).toMatchObject({ from: "offB", to: "offA", text: "gracias" });
    hub.disconnect(b.session);
    const again = await online("offB");
    expect(again.notes).toEqual([]);
    expect(again.of("history").filter((h) => h.title === "Missed private messages")).toEqual([]);
  });

  test("/me sends an emote to the room; with no action it is a usage error", async () => {
    const [a, b] = await everyone("meA", "meB");
    await a.type("/me saluda");
    expect(b.messages.map((m) => [m.kind, m.from, m.room, m.text])).toEqual([["emote", "meA", "#lobby", "saluda"]]);
    await a.type("/yo   ");
    expect(a.of("error")).toEqual([{ type: "error", code: "usage", message: "Usage: /me <action>" }]);
  });

  test("an unknown command gives an error and sends nothing", async () => {
    const [a, b] = await everyone("unkA", "unkB");
    const before = await store.countMessages();
    await a.type("/frobnicar hola");
    await Bun.sleep(20);
    expect(a.events).toEqual([{ type: "error", code: "unknown_command", message: "Unknown command /frobnicar; type /help for the list" }]);
    expect(b.events).toEqual([]);
    expect(await store.countMessages()).toBe(before);
  });

  test("a message over limits.maxLineBytes (in UTF-8 bytes) is refused; one at the limit is sent", async () => {
    const [a, b] = await everyone("bigA", "bigB");
    await a.type("x".repeat(limits.maxLineBytes + 1));
    await a.type("é".repeat(limits.maxLineBytes / 2) + "x");
    const tooLong: ChatEvent = { type: "error", code: "too_long", message: `Message is too long (${limits.maxLineBytes} bytes at most)` };
    expect(a.of("error")).toEqual([tooLong, tooLong]);
    await a.type("é".repeat(limits.maxLineBytes / 2));
    await until("b receives it", () => b.texts.length === 1);
    expect(b.texts[0]).toHaveLength(limits.maxLineBytes / 2);
  });

  test("ids rise in delivery order across a burst of 50 messages from 3 users", async () => {
    const [watcher, ...users] = await everyone("burW", "burA", "burB", "burC");
    for (let i = 0; i < 50; i++) void users[i % 3]!.type(`m${i}`);
    await until("50 messages", () => [...users, watcher].every((c) => c.messages.length === 50));
    const ids = watcher.messages.map((m) => m.id);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
    for (const u of users) expect(u.messages).toEqual(watcher.messages);
    users.forEach((u, k) => {
      const typed = Array.from({ length: 50 }, (_, i) => `m${i}`).filter((_, i) => i % 3 === k);
      expect(watcher.messages.filter((m) => m.from === u.session.user!.nick).map((m) => m.text)).toEqual(typed);
    });
    const stored = await store.roomHistory(watcher.session.room!.id, 50);
    expect(stored.map((m) => [m.id, m.text])).toEqual(watcher.messages.map((m) => [m.id, m.text]));
  });
});

describe("rooms and users", () => {
  test("/join replays the room's last messages and announces joined and left", async () => {
    const [a, b, c] = await everyone("joinA", "joinB", "joinC");
    await a.type("/join #sala-join");
    for (const t of ["uno", "dos"]) await a.type(t);
    await until("two messages", () => a.texts.length === 2);
    for (const s of [a, b, c]) s.events = [];
    await b.type("/unirse sala-join");
    expect(b.events.map((e) => e.type)).toEqual(["room", "history", "presence"]);
    expect(b.of("history").map((h) => [h.title, h.messages.map((m) => m.text)])).toEqual([["Recent messages in #sala-join", ["uno", "dos"]]]);
    expect(a.events).toEqual([presence("joined", "joinB", "#sala-join")]);
    expect(c.events).toEqual([presence("left", "joinB", "#lobby")]);
    await b.type("/join #SALA-join");
    expect(b.errors).toEqual(["You are already in #sala-join"]);
  });

  test("/leave goes back to #lobby, and is an error when already there", async () => {
    const [a] = await everyone("leaveA");
    await a.type("/leave");
    expect(a.errors).toEqual(["You are in #lobby, the room everyone starts in; /join another room first"]);
    await a.type("/join #sala-leave");
    await a.type("/dejar");
    expect([a.session.room?.name, a.errors.length]).toEqual(["#lobby", 1]);
  });

  test('/status "ocupado" sets busy with a note and announces it; an unknown word is a usage error', async () => {
    const [a, b] = await everyone("estA", "estB");
    await a.type("/estado ocupado en una reunión");
    const { room: _, ...status } = presence("status", "estA", "#lobby", { status: "busy", note: "en una reunión" });
    expect(b.events).toEqual([status]);
    expect(await store.findUser("estA")).toMatchObject({ status: "busy", statusNote: "en una reunión" });
    await a.type("/status dormido");
    expect(a.of("error")).toEqual([{ type: "error", code: "usage", message: "Usage: /status <available|busy|away> [note]" }]);
  });

  test("/list shows everyone online with status, note and room", async () => {
    const [a, b] = await everyone("lisA", "lisBB");
    await b.type("/join #sala-list");
    await b.type("/status away tea");
    a.events = [];
    await a.type("/listar");
    expect(a.notes).toEqual(["Online (2):\n  lisA   available   #lobby\n  lisBB  away (tea)  #sala-list"]);
  });

  test("/profile shows id, last seen and how many messages were sent", async () => {
    const [a] = await everyone("perA");
    await hub.createAccount("perNunca", "pw12");
    for (const t of ["uno", "dos"]) await a.type(t);
    await until("two messages", () => a.texts.length === 2);
    for (const line of ["/perfil", "/profile pernunca", "/profile nadie"]) await a.type(line);
    const [mine, never] = a.notes;
    expect(mine!.split("\n")).toEqual([
      "Profile of perA", `  id             ${a.session.user!.id}`, expect.stringMatching(/^ {2}created {8}\d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
      "  last seen      online now", "  status         available", "  messages sent  2",
    ]);
    expect(never).toContain("\n  last seen      never\n");
    expect(never).toEndWith("\n  messages sent  0");
    expect(a.errors).toEqual(['No user named "nadie"']);
  });

  test("/history shows a room's or a conversation's last n messages; n must be 1–200", async () => {
    const [a] = await everyone("hisA", "hisB");
    await a.type("/join #sala-hist");
    for (const t of ["h1", "h2", "h3"]) await a.type(t);
    await a.type("/msg hisB privado");
    await until("four messages", () => a.texts.length === 4);
    a.events = [];
    for (const line of ["/history 2", "/historial #sala-hist 1", "/history hisb", "/history 200"]) await a.type(line);
    expect(a.of("history").map((h) => [h.title, h.messages.map((m) => m.text)])).toEqual([
      ["Last 2 messages in #sala-hist", ["h2", "h3"]],
      ["The last message in #sala-hist", ["h3"]],
      ["The last private message with hisB", ["privado"]],
      ["Last 3 messages in #sala-hist", ["h1", "h2", "h3"]],
    ]);
    for (const line of ["/history 0", "/history 201", "/history #sala-hist 0", "/history #nada", "/history nadie 3"]) await a.type(line);
    const bound = "The count must be a whole number from 1 to 200";
    expect(a.errors).toEqual([bound, bound, bound, "No room named #nada", 'No user named "nadie"']);
  });
});

describe("leaving", () => {
  test("/quit with a message says goodbye, announces left with the reason, and closes", async () => {
    const [a, b] = await everyone("quitA", "quitB");
    await a.type("/quit hasta mañana");
    expect(a.events).toEqual([{ type: "system", text: "Goodbye!" }]);
    expect(a.closed).toBe(true);
    expect(b.events).toEqual([presence("left", "quitA", "#lobby", { online: false, reason: "hasta mañana" })]);
    expect(hub.onlineUser("quitA")).toBeUndefined();
  });

  test("shutdown stores a message submitted just before it, then closes every session", async () => {
    const [a] = await everyone("finA");
    const room = a.session.room!;
    const sent = hub.say(a.session, "últimas palabras");
    await hub.shutdown("El servidor se detiene");
    const stored = await sent;
    expect((await store.roomHistory(room.id, 1)).map((m) => [m.id, m.from, m.text])).toEqual([[stored.id, "finA", "últimas palabras"]]);
    expect(a.notes).toEqual(["El servidor se detiene"]);
    expect([a.closed, hub.sessions.size, hub.online.size]).toEqual([true, 0, 0]);
  });
});
