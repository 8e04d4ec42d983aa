import { beforeEach, describe, expect, test } from "bun:test";
import { configSchema } from "../config/schema.ts";
import { createRegistry } from "./commands/index.ts";
import type { ChatEvent } from "./events.ts";
import { Hub } from "./hub.ts";
import { foldKey, type Store } from "./store.ts";
import type { Session, SessionSink } from "./session.ts";
import type { ChatMessage, NewMessage, Room, User } from "./types.ts";

// Room traffic through a transport's fan-out (Bun's WebSocket pub/sub in production), against a
// store kept in memory whose history reads a test can hold, to deliver while a replay loads.

const { serverName, motd, limits } = configSchema.parse({});

function memoryStore() {
  const rooms = new Map<string, Room>();
  const messages: ChatMessage[] = [];
  let gate: Promise<void> | null = null;
  const store = {
    kind: "embedded",
    async ensureRoom(name: string) {
      const key = foldKey(name);
      if (!rooms.has(key)) rooms.set(key, { id: rooms.size + 1, name, createdAt: new Date(0) });
      return rooms.get(key)!;
    },
    async roomHistory(roomId: number, limit: number) {
      const name = [...rooms.values()].find((r) => r.id === roomId)!.name;
      const history = messages.filter((m) => m.room === name).slice(-limit);
      await gate;
      return history;
    },
    async insertMessages(batch: NewMessage[]) {
      const stored = batch.map((m) => ({ id: messages.length + 1, kind: m.kind, from: m.from, room: m.room, to: m.to, text: m.text, at: new Date(0) }));
      messages.push(...stored);
      return stored;
    },
    async markSeen() {},
  };
  /** Holds every history read until the returned function is called. */
  const holdHistory = () => {
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    return () => ((gate = null), open());
  };
  return { store: store as unknown as Store, holdHistory };
}

let hub: Hub;
let holdHistory: () => () => void;
/** What the fake fan-out was asked to publish, in order. */
let published: { topic: string; event: ChatEvent }[];
/** Who listens on which topic, as Bun's pub/sub would keep it. */
let subscribers: Map<string, Set<Client>>;

beforeEach(() => {
  const memory = memoryStore();
  holdHistory = memory.holdHistory;
  hub = new Hub(memory.store, { hash: async (p) => p, verify: async () => true }, { serverName, motd, limits }, createRegistry());
  published = [];
  subscribers = new Map();
});

const fanOut = () =>
  hub.publishRoomsVia("ws", (topic, event) => {
    published.push({ topic, event });
    for (const c of subscribers.get(topic) ?? []) c.events.push(event);
  });

let nextUser = 1;

/** A session whose sink records events; `ws` ones can subscribe to topics. */
class Client implements SessionSink {
  readonly remote = "test";
  events: ChatEvent[] = [];
  readonly session: Session;
  readonly topics?: SessionSink["topics"];
  constructor(readonly transport: "tcp" | "ws", nick: string) {
    if (transport === "ws") {
      this.topics = {
        subscribe: (t) => void subscribers.set(t, (subscribers.get(t) ?? new Set()).add(this)),
        unsubscribe: (t) => void subscribers.get(t)?.delete(this),
      };
    }
    this.session = hub.connect(this);
    const user: User = { id: nextUser++, nick, passwordHash: "", createdAt: new Date(0), lastSeen: null, status: "available", statusNote: "", pmReadId: 0 };
    hub.addOnline(this.session, user);
  }
  send(e: ChatEvent) {
    this.events.push(e);
  }
  close() {}
  get texts() {
    return this.events.flatMap((e) => (e.type === "message" ? [e.message.text] : []));
  }
  get topicsHeld() {
    return [...subscribers].filter(([, s]) => s.has(this)).map(([t]) => t);
  }
}

async function inRoom(room: string, ...clients: Client[]) {
  for (const c of clients) await hub.join(c.session, room);
  for (const c of clients) c.events = [];
}

const say = (c: Client, text: string) => hub.say(c.session, text);

describe("room messages through a transport's fan-out", () => {
  test("go out once per room to subscribed sessions and one by one to the rest; every member is counted", async () => {
    fanOut();
    const [w1, w2, t1] = [new Client("ws", "w1"), new Client("ws", "w2"), new Client("tcp", "t1")];
    await inRoom("#fan", w1, w2, t1);
    const before = hub.stats.deliveries;
    await say(t1, "hola");
    expect(published.map((p) => p.topic)).toEqual([w1.topicsHeld[0]!]);
    for (const c of [w1, w2, t1]) expect(c.texts).toEqual(["hola"]);
    expect(hub.stats.deliveries - before).toBe(3);
  });

  test("without a publisher for its transport, a session with topics is sent messages one by one", async () => {
    const [w, t] = [new Client("ws", "solo-w"), new Client("tcp", "solo-t")];
    await inRoom("#nopub", w, t);
    await say(t, "directo");
    expect([w.texts, w.topicsHeld, published]).toEqual([["directo"], [], []]);
  });

  test("a session joining during live traffic is subscribed only after its replay: replay, then each message once", async () => {
    fanOut();
    const [sender, joiner] = [new Client("ws", "snd"), new Client("ws", "jnr")];
    await inRoom("#live", sender);
    await say(sender, "before");
    const open = holdHistory();
    const joining = hub.join(joiner.session, "#live");
    await Bun.sleep(1);
    await say(sender, "while loading 1");
    await say(sender, "while loading 2");
    // Still loading: not on the topic, so nothing published can pass the replay.
    expect(joiner.topicsHeld).toEqual([]);
    expect(joiner.events).toEqual([]);
    open();
    await joining;
    expect(joiner.topicsHeld).toEqual(sender.topicsHeld);
    await say(sender, "after");
    const shown = joiner.events.flatMap((e) => (e.type === "history" ? e.messages.map((m) => `history:${m.text}`) : e.type === "message" ? [e.message.text] : []));
    // The history was read when the join began, so it has only "before"; what came later follows once.
    expect(shown).toEqual(["history:before", "while loading 1", "while loading 2", "after"]);
    expect(joiner.events[0]).toEqual({ type: "room", room: "#live" });
  });

  test("leaving a room unsubscribes from it: the old room is not heard after /join, nor anything after a disconnect", async () => {
    fanOut();
    const [mover, stayer] = [new Client("ws", "mover"), new Client("tcp", "stayer")];
    await inRoom("#old", mover, stayer);
    const oldTopic = mover.topicsHeld[0]!;
    await hub.join(mover.session, "#new");
    expect(mover.topicsHeld).toHaveLength(1);
    expect(mover.topicsHeld[0]).not.toBe(oldTopic);
    mover.events = [];
    await say(stayer, "in old");
    expect(mover.texts).toEqual([]);
    hub.disconnect(mover.session);
    expect(mover.topicsHeld).toEqual([]);
  });

  test("a room's topic follows its id, so names that differ only in case share one topic", async () => {
    fanOut();
    const [a, b] = [new Client("ws", "caseA"), new Client("ws", "caseB")];
    await hub.join(a.session, "#Sala");
    await hub.join(b.session, "#sALA");
    expect(a.topicsHeld).toEqual(b.topicsHeld);
    expect(a.topicsHeld[0]).toMatch(/^room:\d+$/);
    await inRoom("#sala", new Client("ws", "caseC"));
    a.events = [];
    b.events = [];
    await say(a, "uno");
    expect([a.texts, b.texts]).toEqual([["uno"], ["uno"]]);
  });

  test("a session that goes while its replay loads is never subscribed", async () => {
    fanOut();
    const c = new Client("ws", "gone");
    const open = holdHistory();
    const joining = hub.join(c.session, "#bye");
    await Bun.sleep(1);
    hub.disconnect(c.session);
    open();
    await joining;
    expect(c.topicsHeld).toEqual([]);
    expect(hub.rooms.get("#bye")).toBeUndefined();
  });
});
