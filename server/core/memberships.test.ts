import { afterAll, beforeAll, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import type { Store } from "./store.ts";

// Many rooms per user, read markers and unread counts, through the hub with no sockets.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

const roomsOf = async (c: FakeClient) => {
  const from = c.events.length;
  await c.frame({ type: "rooms" });
  const e = await c.next("rooms", () => true, from);
  return Object.fromEntries(e.rooms.filter((r) => r.unread !== undefined).map((r) => [r.name, [r.unread, r.mentions]]));
};

test("a join is a stored membership: every session of the account learns it, the room hears it, the joiner does not", async () => {
  const hub = newHub(store);
  const [term, app] = [await loggedIn(hub, "r_ana"), await loggedIn(hub, "r_ana", "ws")];
  const member = await loggedIn(hub, "r_beto");
  await member.type("/join #r-dev");
  await term.type("/join #r-dev");
  for (const c of [term, app]) expect(await c.next("membership")).toMatchObject({ room: "#r-dev", joined: true });
  expect(await member.next("presence", (e) => e.change === "joined" && e.nick === "r_ana")).toMatchObject({ room: "#r-dev" });
  expect(term.of("presence").filter((e) => e.change === "joined")).toEqual([]);
  // The app shows the new room at once, though its current room did not change.
  await member.type("for both");
  await app.next("message", (e) => e.message.text === "for both");
  // Stored: the next login anywhere comes back with it.
  const again = await loggedIn(hub, "r_ana", "ws");
  const welcome = again.of("welcome")[0]!;
  expect(welcome.conversations.map((c) => ("room" in c ? c.room : c.with))).toEqual(["#lobby", "#r-dev"]);
});

test("/leave: the last room cannot be left, and sessions that were in it move to the lobby", async () => {
  const hub = newHub(store);
  const [one, two] = [await loggedIn(hub, "r_cleo"), await loggedIn(hub, "r_cleo")];
  await one.type("/leave");
  expect(one.errors).toEqual(["#lobby is your only room; /join another before you leave it"]);
  await one.type("/join #r-club");
  await two.next("membership", (e) => e.joined);
  await two.type("/join #r-club");
  await one.type("/leave #r-club");
  for (const c of [one, two]) {
    await c.next("membership", (e) => !e.joined);
    const from = c.events.findIndex((e) => e.type === "membership" && !e.joined);
    expect(await c.next("room", () => true, from)).toEqual({ type: "room", room: "#lobby" });
  }
  await one.type("/leave #lobby");
  expect(one.errors.at(-1)).toBe("#lobby is your only room; /join another before you leave it");
  await one.type("/leave #nowhere");
  expect(one.errors.at(-1)).toBe("You are not in #nowhere; /join it first");
});

test("a terminal has read what it was shown; an app what it says it read; both see the same counts", async () => {
  const hub = newHub(store);
  const talker = await loggedIn(hub, "r_talk");
  await talker.type("/join #r-news");
  const term = await loggedIn(hub, "r_reader");
  const app = await loggedIn(hub, "r_reader", "ws");
  await term.type("/join #r-news");
  await talker.type("one");
  await talker.type("two");
  await term.next("message", (e) => e.message.text === "two");
  // Still showing #r-news: nothing unread there. Moving on stores that it was read.
  await term.type("/join #lobby");
  const update = await app.next("unread", (e) => e.conversations.some((c) => "room" in c && c.room === "#r-news"));
  expect(update.conversations[0]).toMatchObject({ room: "#r-news", unread: 0 });
  await talker.type("three @r_reader");
  await app.next("message", (e) => e.message.text === "three @r_reader");
  expect(await roomsOf(term)).toEqual({ "#lobby": [0, 0], "#r-news": [1, 1] });
  // The app reads it; every session of the account hears the new counts.
  const three = app.of("message").find((e) => e.message.text === "three @r_reader")!.message;
  const from = term.events.length;
  await app.frame({ type: "read", room: "#r-news", id: three.id });
  expect((await term.next("unread", () => true, from)).conversations).toEqual([
    { room: "#r-news", readId: three.id, unread: 0, mentions: 0 },
  ]);
  expect(await roomsOf(term)).toEqual({ "#lobby": [0, 0], "#r-news": [0, 0] });
  await app.frame({ type: "read", room: "#r-nowhere", id: 1 });
  expect(app.errors).toEqual(["You are not in #r-nowhere; /join it first"]);
});

test("private messages that arrived while away come at login, one history per person; a terminal has then read them", async () => {
  const hub = newHub(store);
  for (const nick of ["r_away", "r_app_away"]) {
    const c = await loggedIn(hub, nick);
    hub.disconnect(c.session);
  }
  const [s1, s2] = [await loggedIn(hub, "r_s1"), await loggedIn(hub, "r_s2")];
  for (const to of ["r_away", "r_app_away"]) {
    await s1.type(`!${to} from one`);
    await s2.type(`!${to} from two`);
    await s1.type(`!${to} one more`);
  }
  const term = new FakeClient(hub, "tcp");
  await term.frame({ type: "login", nick: "r_away", password: "secret-pw" });
  expect(term.notices[0]).toBe("While you were away, 3 private messages arrived");
  expect(term.of("history").filter((h) => h.reason === "away").map((h) => [h.target, h.messages.map((m) => m.text)])).toEqual([
    [{ with: "r_s1" }, ["from one", "one more"]],
    [{ with: "r_s2" }, ["from two"]],
  ]);
  const app = new FakeClient(hub, "ws");
  await app.frame({ type: "login", nick: "r_app_away", password: "secret-pw" });
  expect(app.of("welcome")[0]!.conversations.filter((c) => "with" in c)).toEqual([
    { with: "r_s1", readId: 0, unread: 2, mentions: 0 },
    { with: "r_s2", readId: 0, unread: 1, mentions: 0 },
  ]);
  // The terminal showed them, so they are read; the app has not said it read them.
  await term.next("unread", (e) => e.conversations.some((c) => "with" in c && c.with === "r_s2"));
  const back = new FakeClient(hub, "ws");
  await back.frame({ type: "login", nick: "r_away", password: "secret-pw" });
  const again = new FakeClient(hub, "ws");
  await again.frame({ type: "login", nick: "r_app_away", password: "secret-pw" });
  expect(back.of("welcome")[0]!.conversations.filter((c) => "with" in c && c.unread > 0)).toEqual([]);
  expect(again.of("welcome")[0]!.conversations.filter((c) => "with" in c).map((c) => c.unread)).toEqual([2, 1]);
});

test("a resume with `since` replays every room's and every private message it missed, once, in order", async () => {
  const hub = newHub(store);
  const talker = await loggedIn(hub, "r_loud");
  await talker.type("/join #r-two");
  const app = await loggedIn(hub, "r_back", "ws");
  await app.type("/join #r-two");
  await talker.type("seen");
  const seen = (await app.next("message", (e) => e.message.text === "seen")).message;
  const token = app.of("welcome")[0]!.token!;
  hub.disconnect(app.session);
  await talker.type("gone in two");
  await talker.type("/join #lobby");
  await talker.type("gone in lobby");
  await talker.type("!r_back gone private");
  await talker.next("message", (e) => e.message.text === "gone private");
  const back = new FakeClient(hub, "ws");
  await back.frame({ type: "resume", token, since: seen.id, room: "#r-two" });
  expect(back.events.map((e) => e.type)).toEqual(["welcome", "message", "message", "message", "room"]);
  expect(back.texts).toEqual(["gone in two", "gone in lobby", "gone private"]);
  expect(back.of("room")).toEqual([{ type: "room", room: "#r-two" }]);
});

test("a room everyone has left is no longer listed; the lobby always is", async () => {
  const hub = newHub(store);
  const c = await loggedIn(hub, "r_empty");
  await c.type("/join #r-passing");
  await c.next("membership", (e) => e.room === "#r-passing" && e.joined);
  const listed = async () => {
    const from = c.events.length;
    await c.frame({ type: "rooms" });
    return (await c.next("rooms", () => true, from)).rooms.map((r) => r.name);
  };
  expect(await listed()).toContain("#r-passing");
  await c.type("/leave #r-passing");
  await c.next("membership", (e) => e.room === "#r-passing" && !e.joined);
  const after = await listed();
  expect(after).not.toContain("#r-passing");
  expect(after).toContain("#lobby");
});

test("a room's topic is data in the room list and the welcome, for an app to show under its name", async () => {
  const hub = newHub(store);
  const c = await loggedIn(hub, "r_topical");
  await c.type("/join #r-topical");
  await c.next("membership", (e) => e.room === "#r-topical" && e.joined);
  await c.type("/topic exams on Friday");
  await c.next("notice", (e) => e.notice.key === "topic_set");
  const from = c.events.length;
  await c.frame({ type: "rooms" });
  const listed = (await c.next("rooms", () => true, from)).rooms;
  expect(listed.find((r) => r.name === "#r-topical")?.topic).toBe("exams on Friday");
  // A room without one has no field at all.
  expect(listed.find((r) => r.name === "#lobby")).not.toHaveProperty("topic");
  const app = await loggedIn(hub, "r_topical", "ws");
  expect(app.of("welcome")[0]!.rooms.find((r) => r.name === "#r-topical")?.topic).toBe("exams on Friday");
});
