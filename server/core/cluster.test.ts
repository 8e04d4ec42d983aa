import { afterAll, beforeAll, expect, test } from "bun:test";
import { loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import type { ClusterLink, ClusterListener, ControlEvent, ForeignMessage } from "./cluster-link.ts";
import type { Store } from "./store.ts";
import type { ChatMessage } from "./types.ts";

// What a node does with the other nodes' messages and events, with the database's side faked:
// the link hands over exactly the pages and events a test chooses.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

class FakeLink implements ClusterLink {
  readonly node = "here";
  listener!: ClusterListener;
  page: ForeignMessage[] = [];
  published: ControlEvent[] = [];
  /** Called when a catch-up reads a page. */
  onRead = () => {};
  async start(listener: ClusterListener) {
    this.listener = listener;
  }
  async stop() {}
  async lastMessageId() {
    return 0;
  }
  async messagesAfter(cursor: number) {
    this.onRead();
    return this.page.filter((m) => m.message.id > cursor);
  }
  publish(event: ControlEvent) {
    this.published.push(event);
  }
  async remoteUsers() {
    return [];
  }
  async nodes() {
    return [];
  }
  lastTotals = null;
  async totals() {
    return { nodes: 1, usersOnline: 0, connections: {} };
  }
}

test("a message this node stored is delivered once, even when read back before its insert has answered", async () => {
  const link = new FakeLink();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let committed!: (stored: ChatMessage[]) => void;
  const inDatabase = new Promise<ChatMessage[]>((resolve) => (committed = resolve));
  // Stored, but the answer is slow to come back: the other nodes' wake-up gets here first.
  const slow: Store = Object.create(store);
  slow.insertMessages = async (batch) => {
    const stored = await store.insertMessages(batch);
    committed(stored);
    await gate;
    return stored;
  };
  const hub = newHub(slow, {}, { cluster: link });
  await hub.cluster!.start();
  const [ana, beto] = [await loggedIn(hub, "cl_ana"), await loggedIn(hub, "cl_beto")];
  await ana.type("mine");
  const [stored] = await inDatabase;
  const lobby = (await store.findRoom("#lobby"))!;
  link.page = [{ message: stored!, sent: { kind: "public", senderId: 0, from: "cl_ana", roomId: lobby.id, room: lobby.name, text: "mine" } }];
  const read = new Promise<void>((resolve) => (link.onRead = resolve));
  link.listener.committed({ from: "elsewhere", first: stored!.id, last: stored!.id });
  // The catch-up has the page (this node's message in it) before the insert has answered.
  await read;
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await hub.cluster!.catchUp();
  await beto.next("message", (e) => e.message.text === "mine");
  await ana.type("marker");
  await beto.next("message", (e) => e.message.text === "marker");
  expect(beto.texts.filter((t) => t === "mine")).toHaveLength(1);
});

test("another node's messages reach this node's sessions; its users are listed, then go offline when it stops", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const carla = await loggedIn(hub, "cl_carla");
  const lobby = (await store.findRoom("#lobby"))!;
  const sender = await store.createUser("cl_remote", "h:secret");
  link.listener.control("there", {
    t: "presence",
    event: { type: "presence", change: "online", nick: "cl_remote", online: true, status: "busy", note: "" },
    user: { nick: "cl_remote", status: "busy", note: "", rooms: [{ id: lobby.id, name: lobby.name }], sessions: 1 },
  });
  expect((await carla.next("presence", (e) => e.nick === "cl_remote")).change).toBe("online");
  await carla.type("/who");
  const users = await carla.next("users");
  expect(users.users.map((u) => u.nick)).toContain("cl_remote");
  const [message] = await store.insertMessages([{ kind: "public", senderId: sender.id, from: sender.nick, roomId: lobby.id, room: lobby.name, text: "from there" }]);
  link.page = [{ message: message!, sent: { kind: "public", senderId: sender.id, from: sender.nick, roomId: lobby.id, room: lobby.name, text: "from there" } }];
  link.listener.committed({ from: "there", first: message!.id, last: message!.id });
  await carla.next("message", (e) => e.message.text === "from there");
  link.listener.control("there", { t: "bye" });
  expect((await carla.next("presence", (e) => e.nick === "cl_remote" && e.change === "offline")).online).toBe(false);
});

test("a kick of a user online only on another node goes to that node; one online nowhere is refused", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  link.listener.control("there", {
    t: "presence",
    event: { type: "presence", change: "online", nick: "cl_far", online: true, status: "available", note: "" },
    user: { nick: "cl_far", status: "available", note: "", rooms: [], sessions: 2 },
  });
  expect(hub.operator.moderation.kick("cl_far", "bye")).toBe(2);
  expect(link.published).toContainEqual({ t: "kick", nick: "cl_far", reason: "bye" });
  expect(() => hub.operator.moderation.kick("cl_nobody", "x")).toThrow();
});

test("a topic set on one node is told to the room's sessions on the others, and goes out from where it was set", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const dora = await loggedIn(hub, "cl_dora");
  const lobby = (await store.findRoom("#lobby"))!;
  await dora.type("/topic set here");
  expect(link.published).toContainEqual({ t: "topic", room: { id: lobby.id, name: lobby.name }, nick: "cl_dora", topic: "set here" });
  link.listener.control("there", { t: "topic", room: { id: lobby.id, name: lobby.name }, nick: "cl_far_topic", topic: "set there" });
  const told = await dora.next("notice", (e) => e.notice.key === "topic_set" && e.notice.params?.nick === "cl_far_topic");
  expect(told.notice.params).toMatchObject({ room: "#lobby", topic: "set there" });
});

test("Tab completes the nicks of users online on other nodes too", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const emma = await loggedIn(hub, "cl_tab_here");
  link.listener.control("there", {
    t: "presence",
    event: { type: "presence", change: "online", nick: "cl_tab_there", online: true, status: "available", note: "" },
    user: { nick: "cl_tab_there", status: "available", note: "", rooms: [], sessions: 1 },
  });
  expect(hub.complete(emma.session, "cl_tab", false)).toEqual(["cl_tab_here", "cl_tab_there"]);
});

test("a room deleted on one node goes out to the others, whose members of it are told and moved out", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const ed = await loggedIn(hub, "cl_ed");
  await ed.type("/join #cl-here");
  await ed.type("/join #cl-there");
  const here = (await store.findRoom("#cl-here"))!;
  await hub.operator.rooms.remove("#cl-here");
  expect(link.published).toContainEqual({ t: "room_deleted", room: { id: here.id, name: "#cl-here" } });
  // Deleted by another node: the store is that node's business; this one moves its sessions out.
  const there = (await store.findRoom("#cl-there"))!;
  const from = ed.events.length;
  link.listener.control("there", { t: "room_deleted", room: { id: there.id, name: there.name } });
  await ed.next("notice", (e) => e.notice.key === "room_deleted" && e.notice.params?.room === "#cl-there", from);
  await ed.next("room", (e) => e.room === "#lobby", from);
  expect(ed.session.room?.name).toBe("#lobby");
});

test("a batch whose wake-up carries its messages, right after the cursor, is delivered without reading the database", async () => {
  const link = new FakeLink();
  let reads = 0;
  link.onRead = () => reads++;
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const fina = await loggedIn(hub, "cl_wake");
  const lobby = (await store.findRoom("#lobby"))!;
  const sent = { kind: "public" as const, senderId: 1, from: "cl_far_wake", roomId: lobby.id, room: lobby.name, text: "carried" };
  // The fake's cursor starts at 0: ids 1 and 2 come right after it.
  link.listener.committed({ from: "there", first: 1, last: 2, messages: [1, 2].map((id) => ({ message: { id, kind: "public", from: sent.from, room: lobby.name, text: `${sent.text} ${id}`, at: new Date() }, sent })) });
  await fina.next("message", (e) => e.message.text === "carried 2");
  expect(fina.texts.filter((t) => t.startsWith("carried"))).toEqual(["carried 1", "carried 2"]);
  expect(reads).toBe(0);
  // One that comes after a gap, or without its messages (too big to carry), is read instead.
  link.page = [{ message: { id: 4, kind: "public", from: sent.from, room: lobby.name, text: "read 4", at: new Date() }, sent }];
  link.listener.committed({ from: "there", first: 4, last: 4 });
  await fina.next("message", (e) => e.message.text === "read 4");
  expect(reads).toBe(1);
});

test("wake-ups heard while a read is under way are taken from their messages after it, not read again", async () => {
  const link = new FakeLink();
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  const gina = await loggedIn(hub, "cl_wake_b");
  const lobby = (await store.findRoom("#lobby"))!;
  const sent = { kind: "public" as const, senderId: 1, from: "cl_far_wake_b", roomId: lobby.id, room: lobby.name, text: "" };
  const message = (id: number) => ({ message: { id, kind: "public" as const, from: sent.from, room: lobby.name, text: `m${id}`, at: new Date() }, sent });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  const read = link.messagesAfter.bind(link);
  link.messagesAfter = async (cursor: number) => {
    reads++;
    await gate;
    return read(cursor);
  };
  link.page = [message(1)];
  const reading = hub.cluster!.catchUp();
  // Heard during the read: id 1 was in the page, id 2 follows it.
  link.listener.committed({ from: "there", first: 1, last: 1, messages: [message(1)] });
  link.listener.committed({ from: "there", first: 2, last: 2, messages: [message(2)] });
  release();
  await reading;
  await gina.next("message", (e) => e.message.text === "m2");
  expect(gina.texts.filter((t) => /^m\d$/.test(t))).toEqual(["m1", "m2"]);
  expect(reads).toBe(1);
});

test("the safety poll reads only when no wake-up came since the last one: while they come, a lost one shows as a gap", async () => {
  const link = new FakeLink();
  let reads = 0;
  link.onRead = () => reads++;
  const hub = newHub(store, {}, { cluster: link });
  await hub.cluster!.start();
  link.listener.committed({ from: "here", first: 1, last: 1 });
  link.listener.poll();
  expect(reads).toBe(0);
  link.listener.poll();
  await hub.cluster!.catchUp();
  expect(reads).toBeGreaterThanOrEqual(1);
});

test("another node's batch heard while this node's own is being stored goes out with it: one write to each client, in id order", async () => {
  const link = new FakeLink();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let committed!: (stored: ChatMessage[]) => void;
  const inDatabase = new Promise<ChatMessage[]>((resolve) => (committed = resolve));
  const slow: Store = Object.create(store);
  slow.insertMessages = async (batch) => {
    // Ids as a database shared with the other node would give: after its batch (id 1).
    const stored = (await store.insertMessages(batch)).map((m) => ({ ...m, id: m.id + 1000 }));
    committed(stored);
    await gate;
    return stored;
  };
  const hub = newHub(slow, {}, { cluster: link });
  await hub.cluster!.start();
  const [hana, ivan] = [await loggedIn(hub, "cl_hold_a"), await loggedIn(hub, "cl_hold_b")];
  // What goes out in one write: what a transport sends in one microtask (server/tcp/output.ts).
  const writes: string[][] = [];
  let open: string[] | null = null;
  const send = ivan.send.bind(ivan);
  ivan.send = (e) => {
    if (!open) {
      writes.push((open = []));
      queueMicrotask(() => (open = null));
    }
    if (e.type === "message") open.push(e.message.text);
    send(e);
  };
  const sending = hana.type("mine");
  const [stored] = await inDatabase;
  const lobby = (await store.findRoom("#lobby"))!;
  const sent = { kind: "public" as const, senderId: 1, from: "cl_far_hold", roomId: lobby.id, room: lobby.name, text: "far" };
  // The other node's batch committed just before this node's (the fake's cursor starts at 0).
  link.listener.committed({ from: "there", first: 1, last: 1, messages: [{ message: { id: 1, kind: "public", from: sent.from, room: lobby.name, text: "far", at: new Date() }, sent }] });
  release();
  await sending;
  await ivan.next("message", (e) => e.message.id === stored!.id);
  expect(writes.filter((w) => w.length > 0)).toEqual([["far", "mine"]]);
});
