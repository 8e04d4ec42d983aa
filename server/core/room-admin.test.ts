import { afterAll, beforeAll, expect, test } from "bun:test";
import { loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import { RoomAdmin } from "./room-admin.ts";
import type { Store } from "./store.ts";

// The operator's room tools on a real store, with no sockets: the list, deleting a room with
// people in it, and the pruning of rooms nobody belongs to (on a clock the test sets).

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

const DAY = 86_400_000;

test("rooms lists members, who of them is online, messages and the topic", async () => {
  const hub = newHub(store);
  const [ana, beto] = [await loggedIn(hub, "ra_ana"), await loggedIn(hub, "ra_beto")];
  for (const c of [ana, beto]) await c.type("/join #ra-list");
  await ana.type("/topic lists and counts");
  await ana.type("one");
  await beto.type("two");
  await ana.next("message", (e) => e.message.text === "two");
  hub.disconnect(beto.session);
  const [listed, ...rest] = await hub.operator.rooms.list("ra-LIST");
  expect(rest).toEqual([]);
  expect(listed).toMatchObject({ room: { name: "#ra-list" }, members: 2, online: 1, messages: 2, topic: "lists and counts" });
  expect(listed!.lastActivity.getTime()).toBeGreaterThanOrEqual(listed!.createdAt.getTime());
});

test("room delete tells its members online, moves them out (to the lobby when it was their only room) and leaves no trace", async () => {
  const hub = newHub(store);
  const term = await loggedIn(hub, "ra_term");
  const app = await loggedIn(hub, "ra_app", "ws");
  const away = await loggedIn(hub, "ra_away");
  for (const c of [term, app, away]) await c.type("/join #ra-gone");
  // For the app's account, #ra-gone becomes its only room.
  await app.type("/leave #lobby");
  await term.type("before the end");
  await app.next("message", (e) => e.message.text === "before the end");
  hub.disconnect(away.session);
  const from = { term: term.events.length, app: app.events.length };

  expect(await hub.operator.rooms.remove("ra-gone")).toEqual({ room: "#ra-gone", members: 3, messages: 1 });

  for (const [c, i] of [[term, from.term], [app, from.app]] as const) {
    await c.next("notice", (e) => e.notice.key === "room_deleted" && e.notice.params?.room === "#ra-gone", i);
    await c.next("membership", (e) => e.room === "#ra-gone" && !e.joined, i);
  }
  // The terminal was in the room: it is back in the lobby, shown its recent messages.
  await term.next("room", (e) => e.room === "#lobby", from.term);
  expect(term.session.room?.name).toBe("#lobby");
  // The app had no other room: it joined the lobby.
  await app.next("membership", (e) => e.room === "#lobby" && e.joined, from.app);
  expect(app.session.room?.name).toBe("#lobby");

  expect(await store.findRoom("#ra-gone")).toBeNull();
  await term.type("/rooms");
  const rooms = await term.next("rooms", () => true, from.term);
  expect(rooms.rooms.map((r) => r.name)).not.toContain("#ra-gone");
  expect((await hub.operator.rooms.list("ra-gone"))).toEqual([]);
  await term.type("/history #ra-gone");
  expect(term.errors.at(-1)).toBe("No room named #ra-gone");
  // Nobody can talk in it any more; joining makes a new, empty room.
  await app.type("/join #ra-gone");
  const replay = await app.next("history", (e) => "room" in e.target && e.target.room === "#ra-gone", from.app);
  expect(replay.messages).toEqual([]);
  // The member who was offline comes back without it.
  const back = await loggedIn(hub, "ra_away");
  await back.type("/rooms");
  const mine = (await back.next("rooms")).rooms.filter((r) => r.unread !== undefined).map((r) => r.name);
  expect(mine).toEqual(["#lobby"]);
});

test("room delete refuses the lobby and an unknown room", async () => {
  const hub = newHub(store);
  await expect(hub.operator.rooms.remove("#LOBBY")).rejects.toMatchObject({ notice: { key: "lobby_kept" } });
  await expect(hub.operator.rooms.remove("#ra-never")).rejects.toMatchObject({ notice: { key: "no_such_room" } });
  expect(await store.findRoom("#lobby")).not.toBeNull();
});

test("a room nobody belongs to goes after limits.emptyRoomDays without a message; 0 keeps it", async () => {
  const hub = newHub(store);
  const ana = await loggedIn(hub, "ra_prune");
  await ana.type("/join #ra-empty");
  await ana.type("/join #ra-kept");
  await ana.type("/leave #ra-empty");
  let now = Date.now();
  const limits = { emptyRoomDays: 30 };
  const pruner = new RoomAdmin(store, { membersOnline: () => 0 }, { roomDeleted: async () => {} }, { drain: async () => {} }, limits, null, () => now);
  now += 29 * DAY;
  expect(await pruner.pruneEmpty()).not.toContain("#ra-empty");
  limits.emptyRoomDays = 0;
  now += 365 * DAY;
  expect(await pruner.pruneEmpty()).toEqual([]);
  limits.emptyRoomDays = 30;
  const pruned = await pruner.pruneEmpty();
  expect(pruned).toContain("#ra-empty");
  expect(pruned).not.toContain("#ra-kept");
  expect(pruned).not.toContain("#lobby");
  expect(await store.findRoom("#ra-empty")).toBeNull();
  expect(await store.findRoom("#ra-kept")).not.toBeNull();
});
