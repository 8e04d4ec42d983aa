import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import type { Store } from "./store.ts";

// The login rules every transport shares: the terminal's prompts, the web's one-step login, the
// deadline and the count of wrong passwords live in the core.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

/** A terminal at the login prompts: answers each prompt as it comes. */
async function answer(c: FakeClient, ...lines: string[]) {
  for (const [i, line] of lines.entries()) {
    await c.until(() => c.of("prompt").length > i || c.closed !== null);
    await c.type(line);
  }
}

const prompts = (c: FakeClient) => c.of("prompt").map((p) => p.notice.key);

describe("terminal login", () => {
  test("a new nick asks for the password twice, again after a mismatch, and creates the account", async () => {
    const hub = newHub(store);
    const c = new FakeClient(hub);
    void hub.promptLogin(c.session);
    await c.until((e) => e.type === "prompt");
    await c.type("l_nueva");
    await c.type("uno-uno-1");
    await c.type("dos-dos-2");
    await c.type("tres-tres-3");
    await c.type("tres-tres-3");
    await c.until((e) => e.type === "welcome");
    expect(prompts(c)).toEqual(["prompt_nick", "prompt_new_password", "prompt_repeat_password", "prompt_new_password", "prompt_repeat_password"]);
    expect(c.errors).toEqual(["The passwords do not match; try again"]);
    expect(c.notices.slice(0, 2)).toEqual(["Welcome to test\nhi", "l_nueva is a new nick; choose a password to create the account"]);
  });

  test("a known nick gets limits.maxLoginAttempts password tries, then the session is closed", async () => {
    const hub = newHub(store, { maxLoginAttempts: 3 });
    hub.disconnect((await loggedIn(hub, "l_known")).session);
    const c = new FakeClient(hub);
    void hub.promptLogin(c.session);
    await answer(c, "L_KNOWN", "no1", "no2", "no3");
    await c.whenClosed();
    expect(c.errors).toEqual(["Wrong password", "Wrong password", "Wrong password too many times"]);
    expect(c.closed!.reason!.key).toBe("login_failed");
  });

  test("commands that work before login run at the nick prompt: /help answers, /quit leaves", async () => {
    const hub = newHub(store);
    const c = new FakeClient(hub);
    void hub.promptLogin(c.session);
    await answer(c, "/help", "/rooms", "/quit");
    await c.whenClosed();
    expect(c.of("help")).toHaveLength(1);
    expect(c.errors).toEqual(["Log in first"]);
    expect(c.notices.at(-1)).toBe("Goodbye!");
  });

  test("a banned nick is refused before its password is asked", async () => {
    const hub = newHub(store);
    hub.disconnect((await loggedIn(hub, "l_banned")).session);
    await hub.operator.moderation.ban("l_banned", null, "spam", "test");
    const c = new FakeClient(hub);
    void hub.promptLogin(c.session);
    await answer(c, "l_banned");
    await c.whenClosed();
    expect(prompts(c)).toEqual(["prompt_nick"]);
    expect(c.errors).toEqual(["You are banned until further notice (spam)"]);
  });
});

describe("login rules in the core", () => {
  test("a connection that does not log in in time is told so and closed as a policy close", async () => {
    const hub = newHub(store, { loginTimeoutSeconds: 0.05 });
    const late = new FakeClient(hub, "ws");
    await late.whenClosed();
    expect(late.errors).toEqual(["Login timed out"]);
    expect(late.closed!.reason!.key).toBe("login_timeout");
    expect(hub.operator.connections()).toEqual({ tcp: 0, ws: 0 });
  });

  test("web logins count wrong passwords per connection and close it after limits.maxLoginAttempts", async () => {
    const hub = newHub(store, { maxLoginAttempts: 3 });
    hub.disconnect((await loggedIn(hub, "l_cuenta")).session);
    const c = new FakeClient(hub, "ws");
    for (let i = 0; i < 3; i++) await c.frame({ type: "login", nick: "l_cuenta", password: `no${i}` });
    expect(c.of("error").map((e) => e.code)).toEqual(["bad_password", "bad_password", "login_failed"]);
    expect(c.closed!.reason!.key).toBe("login_failed");
  });

  test("a frame before login that needs an account is refused; a second login is refused", async () => {
    const hub = newHub(store);
    const c = new FakeClient(hub, "ws");
    await c.frame({ type: "say", text: "hello?" });
    await c.frame({ type: "line", text: "hello?" });
    expect(c.errors).toEqual(["Log in first", "Log in first"]);
    await c.frame({ type: "login", nick: "l_twice", password: "secret-pw", confirm: "secret-pw" });
    await c.frame({ type: "login", nick: "l_twice", password: "secret-pw" });
    expect(c.errors.at(-1)).toBe("This connection is already logged in");
  });

  test("a changed password voids the account's resume tokens and sends its apps new ones", async () => {
    const hub = newHub(store);
    const app = await loggedIn(hub, "l_rotate", "ws");
    const old = app.of("welcome")[0]!.token!;
    await app.frame({ type: "password", current: "secret-pw", new: "changed-pw" });
    const { token } = await app.until((e) => e.type === "credentials");
    const stale = new FakeClient(hub, "ws");
    await stale.frame({ type: "resume", token: old });
    expect(stale.errors).toEqual(["The resume token is invalid or expired; log in again"]);
    const fresh = new FakeClient(hub, "ws");
    await fresh.frame({ type: "resume", token });
    expect(fresh.of("welcome")[0]!.nick).toBe("l_rotate");
  });
});
