import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { configSchema } from "../config/schema.ts";
import { embeddedStore } from "../store/pglite.ts";
import { createRegistry } from "./commands/index.ts";
import type { ChatEvent } from "./events.ts";
import { Hub, type PasswordHasher } from "./hub.ts";
import { passwordLogin } from "./password-login.ts";
import type { SessionSink } from "./session.ts";
import type { Store } from "./store.ts";

// The login rules both transports share: the deadline and the count of wrong passwords live in
// the core, so a web login is held to them exactly as a terminal's is.

const passwords: PasswordHasher = { hash: async (pw) => "h:" + pw, verify: async (pw, hash) => hash === "h:" + pw };
const { serverName, motd, limits } = configSchema.parse({});
let store: Store;

beforeAll(async () => {
  store = await embeddedStore(null);
  await store.migrate();
}, 60_000);
afterAll(() => store?.close());

class Sink implements SessionSink {
  readonly transport = "ws";
  readonly remote = "test";
  events: ChatEvent[] = [];
  closedWith: string | undefined | null = null;
  send(e: ChatEvent) { this.events.push(e); }
  close(reason?: string) { this.closedWith = reason; }
  get errors() { return this.events.flatMap((e) => (e.type === "error" ? [e.code] : [])); }
}

describe("login rules in the core", () => {
  test("a connection that does not log in in time is told so and closed as a policy close", async () => {
    const hub = new Hub(store, passwords, { serverName, motd, limits: { ...limits, loginTimeoutSeconds: 0.05 } }, createRegistry());
    const sink = new Sink();
    const session = hub.connect(sink);
    await Bun.sleep(100);
    expect(sink.errors).toEqual(["login_timeout"]);
    expect(sink.closedWith).toBe("Login timed out");
    expect([session.closed, hub.sessions.size]).toEqual([true, 0]);
  });

  test("a logged-in session is not timed out", async () => {
    const hub = new Hub(store, passwords, { serverName, motd, limits: { ...limits, loginTimeoutSeconds: 0.05 } }, createRegistry());
    const sink = new Sink();
    const session = hub.connect(sink);
    const user = await passwordLogin(hub, session, "Puntual", "secret");
    await hub.enter(session, user!);
    await Bun.sleep(100);
    expect([session.closed, sink.errors, sink.closedWith]).toEqual([false, [], null]);
    hub.disconnect(session);
  });

  test("web logins count wrong passwords per connection and close it after maxLoginAttempts", async () => {
    const hub = new Hub(store, passwords, { serverName, motd, limits }, createRegistry());
    await hub.createAccount("Cuenta", "right1");
    const sink = new Sink();
    const session = hub.connect(sink);
    for (let i = 0; i < limits.maxLoginAttempts; i++) expect(await passwordLogin(hub, session, "cuenta", `no${i}`)).toBeNull();
    expect(sink.errors).toEqual([...Array(limits.maxLoginAttempts - 1).fill("bad_password"), "login_failed"]);
    expect(sink.closedWith).toBe("Wrong password too many times");
    expect(session.closed).toBe(true);
  });
});
