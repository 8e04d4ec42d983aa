import { afterAll, beforeAll, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import type { Store } from "./store.ts";

// Saying things, through the hub with no sockets: who receives what, and what is refused.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

test("a room message reaches every session showing the room, the sender's too, and no terminal looking elsewhere", async () => {
  const hub = newHub(store);
  const [ana, beto, app] = [await loggedIn(hub, "m_ana"), await loggedIn(hub, "m_beto"), await loggedIn(hub, "m_app", "ws")];
  const away = await loggedIn(hub, "m_away");
  await away.type("/join #m-elsewhere");
  await ana.type("hola");
  await ana.next("message", (e) => e.message.text === "hola");
  for (const c of [beto, app]) await c.next("message", (e) => e.message.text === "hola");
  // The app has the lobby's message although its current room could be anything: it shows all its rooms.
  await away.type("marker");
  await away.next("message", (e) => e.message.text === "marker");
  expect(away.texts).toEqual(["marker"]);
});

test("a private message reaches every session of both ends, and nobody else", async () => {
  const hub = newHub(store);
  const [dora, dora2, eli, fer] = [await loggedIn(hub, "m_dora"), await loggedIn(hub, "m_dora", "ws"), await loggedIn(hub, "m_eli"), await loggedIn(hub, "m_fer")];
  await dora.type("!m_eli psst");
  for (const c of [dora, dora2, eli]) {
    expect((await c.next("message", (e) => e.message.text === "psst")).message).toMatchObject({ kind: "private", from: "m_dora", to: "m_eli" });
  }
  await fer.type("after");
  await fer.next("message", (e) => e.message.text === "after");
  expect(fer.texts).not.toContain("psst");
});

test("text over limits.maxLineBytes (counted in UTF-8 bytes) is refused; text at the limit is sent", async () => {
  const hub = newHub(store, { maxLineBytes: 64 });
  const c = await loggedIn(hub, "m_long");
  await c.type("é".repeat(33));
  expect(c.errors).toEqual(["Message is too long (64 bytes at most)"]);
  await c.type("é".repeat(32));
  await c.next("message", (e) => e.message.text === "é".repeat(32));
  await c.frame({ type: "say", text: "   " });
  expect(c.errors.at(-1)).toBe("Nothing to send");
});

test("ids rise in delivery order across a burst from three users", async () => {
  const hub = newHub(store);
  const users = [await loggedIn(hub, "m_b1"), await loggedIn(hub, "m_b2"), await loggedIn(hub, "m_b3")];
  for (let i = 0; i < 20; i++) for (const u of users) void u.type(`${u.session.user!.nick}-${i}`);
  await users[0]!.next("message", (e) => e.message.text === "m_b3-19");
  const seen = users[0]!.of("message").map((e) => e.message);
  expect(seen).toHaveLength(60);
  expect(seen.map((m) => m.id)).toEqual(seen.map((m) => m.id).sort((a, b) => a - b));
  // Each sender's lines in the order typed.
  for (const u of users) {
    const mine = seen.filter((m) => m.from === u.session.user!.nick).map((m) => m.text);
    expect(mine).toEqual(Array.from({ length: 20 }, (_, i) => `${u.session.user!.nick}-${i}`));
  }
});

test("a room message the store refuses is reported to its sender, who can go on", async () => {
  const failing = Object.create(store) as Store;
  let fail = false;
  failing.insertMessages = (batch) => (fail ? Promise.reject(new Error("disk full")) : store.insertMessages(batch));
  const hub = newHub(failing);
  const c = await loggedIn(hub, "m_unlucky");
  fail = true;
  await c.type("lost?");
  await c.next("error");
  expect(c.errors).toEqual(["Message not sent: it could not be stored; try again"]);
  fail = false;
  await c.type("again");
  await c.next("message", (e) => e.message.text === "again");
});

test("a terminal named in a room it is not showing gets one notice; the app gets the message with its mentions", async () => {
  const hub = newHub(store);
  const talker = await loggedIn(hub, "m_talker");
  const term = await loggedIn(hub, "m_named");
  const app = new FakeClient(hub, "ws");
  await app.frame({ type: "login", nick: "m_named", password: "secret-pw" });
  await term.type("/join #m-other");
  const outsider = await loggedIn(hub, "m_outsider");
  await outsider.type("/join #m-other");
  await outsider.type("/leave #lobby");
  await talker.type("m_named: look, and @M_NAMED again, and @m_outsider, and @m_talker");
  const notice = await term.next("mention");
  expect(notice.message).toMatchObject({ room: "#lobby", from: "m_talker", mentions: ["m_named", "m_outsider"] });
  const seen = await app.next("message", (e) => e.message.from === "m_talker");
  expect(seen.message.mentions).toEqual(["m_named", "m_outsider"]);
  expect(app.of("mention")).toEqual([]);
  // Named, but not a member of the room any more: not told.
  await outsider.type("marker");
  await outsider.next("message", (e) => e.message.text === "marker");
  expect(outsider.of("mention")).toEqual([]);
});

test("/me is an emote in a room, and in a private conversation when typed there", async () => {
  const hub = newHub(store);
  const [gus, hana] = [await loggedIn(hub, "m_gus", "ws"), await loggedIn(hub, "m_hana")];
  await gus.frame({ type: "line", text: "/me waves", to: "#lobby" });
  expect((await hana.next("message", (e) => e.message.text === "waves")).message).toMatchObject({ kind: "emote", room: "#lobby" });
  await gus.frame({ type: "line", text: "/me winks", to: "m_hana" });
  expect((await hana.next("message", (e) => e.message.text === "winks")).message).toMatchObject({ kind: "emote", to: "m_hana" });
  await gus.frame({ type: "line", text: "just us", to: "m_hana" });
  expect((await hana.next("message", (e) => e.message.text === "just us")).message).toMatchObject({ kind: "private", to: "m_hana" });
  await gus.frame({ type: "line", text: "/me", to: "#lobby" });
  expect(gus.errors).toEqual(["Usage: /me <action>"]);
});
