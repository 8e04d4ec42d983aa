import { configSchema } from "../server/config/schema.ts";
import type { PasswordHasher } from "../server/core/accounts.ts";
import { createRegistry } from "../server/core/commands/index.ts";
import type { ResumeTokens } from "../server/core/entry.ts";
import type { ChatEvent } from "../server/core/events.ts";
import { Hub, type HubDeps } from "../server/core/hub.ts";
import type { Limits } from "../server/core/limits.ts";
import type { Notice } from "../server/core/notices.ts";
import type { Session, SessionSink } from "../server/core/session.ts";
import type { Store } from "../server/core/store.ts";
import type { ChatMessage } from "../server/core/types.ts";
import { say } from "../server/render/i18n/index.ts";
import { Signal } from "./e2e/signal.ts";
import { embeddedTestStore } from "./template.ts";

// The core with no sockets: a real store, and sessions whose sink records what they are sent.

/** Cheap and deterministic: hashing is not what these tests are about. */
export const fakePasswords: PasswordHasher = { hash: async (pw) => "h:" + pw, verify: async (pw, hash) => hash === "h:" + pw };

/** Unsigned, but shaped like the real ones: the account, and its password so a change voids them. */
export const fakeTokens: ResumeTokens<{ nick: string; pw: string }> = {
  issue: (user) => JSON.stringify({ nick: user.nick, pw: user.passwordHash }),
  verify: (token) => {
    try {
      return JSON.parse(token);
    } catch {
      return null;
    }
  },
  stillValid: (claims, user) => claims.pw === user.passwordHash,
};

export function newHub(store: Store, limits: Partial<Limits> = {}, deps: Partial<HubDeps> = {}): Hub {
  // Over the schema's defaults without its bounds: a test may want a deadline of a few milliseconds.
  const config = configSchema.parse({});
  return new Hub({
    store, passwords: fakePasswords, info: { serverName: "test", motd: ["hi"] }, limits: { ...config.limits, exemptAddresses: ["test"], ...limits }, commands: createRegistry(),
    tokens: fakeTokens as ResumeTokens, ...deps,
  });
}

type Of<T extends ChatEvent["type"]> = Extract<ChatEvent, { type: T }>;

/** One connection as the core sees it: what it was sent, and whether it was closed. */
export class FakeClient implements SessionSink {
  readonly remote = "test";
  events: ChatEvent[] = [];
  closed: { reason?: Notice } | null = null;
  readonly session: Session;
  private readonly signal = new Signal();

  constructor(private readonly hub: Hub, readonly transport: "tcp" | "ws" = "tcp") {
    this.session = hub.connect(this, { seesAllRooms: transport === "ws" });
  }

  send(e: ChatEvent) {
    this.events.push(e);
    this.signal.wake();
  }

  close(reason?: Notice) {
    this.closed = { reason };
    this.signal.wake();
  }

  /** A frame, as a web client would send it. */
  frame(fields: Record<string, unknown>) {
    return this.hub.frame(this.session, fields);
  }

  /** A line, as typed on a terminal. */
  type(line: string) {
    return this.hub.input(this.session, line);
  }

  of<T extends ChatEvent["type"]>(type: T): Of<T>[] {
    return this.events.filter((e): e is Of<T> => e.type === type);
  }

  get messages(): ChatMessage[] {
    return [...this.of("message").map((e) => e.message), ...this.of("history").flatMap((e) => e.messages)];
  }

  get texts() {
    return this.of("message").map((e) => e.message.text);
  }

  /** Errors and notices as English words. */
  get errors() {
    return this.of("error").map((e) => say("en", e.notice));
  }

  get notices() {
    return this.of("notice").map((e) => say("en", e.notice));
  }

  /** Resolves with the first event (from index `from`) that matches, waiting for it if need be. */
  until<T extends ChatEvent>(match: (e: ChatEvent) => e is T, from?: number): Promise<T>;
  until(match: (e: ChatEvent) => boolean, from?: number): Promise<ChatEvent>;
  until(match: (e: ChatEvent) => boolean, from = 0): Promise<ChatEvent> {
    return this.signal.until(() => this.events.slice(from).find(match), Date.now() + 5000, () => `no such event; got ${JSON.stringify(this.events)}`);
  }

  /** The first event of a type (from index `from`) that matches, waiting for it if need be. */
  next<T extends ChatEvent["type"]>(type: T, match: (e: Of<T>) => boolean = () => true, from = 0): Promise<Of<T>> {
    return this.until((e): e is Of<T> => e.type === type && match(e as Of<T>), from);
  }

  /** Resolves once the connection has been closed. */
  whenClosed() {
    return this.signal.until(() => this.closed ?? undefined, Date.now() + 5000, () => "not closed");
  }
}

/** A session logged in with a login frame (the web's one-step login), creating the account the first time. */
export async function loggedIn(hub: Hub, nick: string, transport: "tcp" | "ws" = "tcp"): Promise<FakeClient> {
  const c = new FakeClient(hub, transport);
  await c.frame({ type: "login", nick, password: "secret-pw" });
  if (c.of("error").some((e) => e.notice.key === "no_such_account")) {
    c.events = [];
    await c.frame({ type: "login", nick, password: "secret-pw", confirm: "secret-pw" });
  }
  await c.until((e) => e.type === "history" && e.reason === "recent");
  return c;
}

/** A migrated embedded store of the test's own, copied from the test template. */
export const testStore: () => Promise<Store> = embeddedTestStore;
