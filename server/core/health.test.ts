import { afterAll, beforeAll, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import { StoreUnavailableError, type Store } from "./store.ts";

// The store's health through the hub: a database that stops answering is a short, clear interruption.

let real: Store;
let outage = false;
// The real store, except that while `outage` holds every call fails as a dead connection would.
let store: Store;
beforeAll(async () => {
  real = await testStore();
  store = new Proxy(real, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || key === "close") return value;
      return (...args: unknown[]) => (outage ? Promise.reject(new StoreUnavailableError("ECONNREFUSED")) : value.apply(target, args));
    },
  });
}, 60_000);
afterAll(() => real?.close());

const PAUSED = "The database is unavailable: messages cannot be sent for now. You will be told when they can";
const RESUMED = "The database is back: you can send messages again";
const NOT_SENT = "Not sent: the database is unavailable; your message was not stored";

test("while the store is down messages are refused at once, logins are refused without hanging up, and everyone is told once when it stops and when it is back", async () => {
  const hub = newHub(store);
  const [ana, beto] = [await loggedIn(hub, "h_ana"), await loggedIn(hub, "h_beto", "ws")];
  outage = true;
  try {
    // The first message finds the database gone: its sender is told it was not stored.
    await ana.type("lost");
    await ana.next("error", (e) => e.notice.key === "not_sent_store_down");
    await beto.next("notice", (e) => e.notice.key === "sending_paused");
    // From now on refused before the store is asked at all, private messages too.
    await ana.type("lost again");
    await beto.frame({ type: "msg", to: "h_ana", text: "psst" });
    expect(ana.errors).toEqual([NOT_SENT, NOT_SENT]);
    expect(beto.errors).toEqual([NOT_SENT]);
    // A terminal login is refused with the reason, and asked again: the connection stays open.
    const carl = new FakeClient(hub);
    void hub.promptLogin(carl.session);
    await carl.next("prompt");
    await carl.type("h_carl");
    await carl.next("error", (e) => e.notice.key === "store_down");
    await carl.until((e) => e.type === "prompt", carl.events.findIndex((e) => e.type === "error"));
    expect(carl.closed).toBeNull();
    // The web's one-step login is refused the same way.
    const dora = new FakeClient(hub, "ws");
    await dora.frame({ type: "login", nick: "h_dora", password: "secret" });
    expect(dora.errors).toEqual(["The database is unavailable right now; nothing was changed. Try again in a moment"]);
    expect(dora.closed).toBeNull();
  } finally {
    outage = false;
  }
  // Back by itself: the next message goes through, and nobody reconnected.
  await ana.next("notice", (e) => e.notice.key === "sending_resumed");
  await ana.type("back");
  await beto.next("message", (e) => e.message.text === "back");
  for (const c of [ana, beto]) expect(c.notices.filter((n) => n === PAUSED || n === RESUMED)).toEqual([PAUSED, RESUMED]);
  expect(ana.texts).toEqual(["back"]);
  await hub.shutdown();
});
