import { expect, test } from "bun:test";
import type { ChatEvent } from "./events.ts";
import { RoomTable } from "./rooms.ts";
import type { Session } from "./session.ts";

// A room's fan-out: once per transport that publishes to topics, one by one to everyone else.

function fakeSession(transport: "tcp" | "ws") {
  const got: ChatEvent[] = [];
  const topics = new Set<string>();
  const session = {
    closed: false,
    holding: false,
    send: (e: ChatEvent) => got.push(e),
    sink: { transport, topics: transport === "ws" ? { subscribe: (t: string) => topics.add(t), unsubscribe: (t: string) => topics.delete(t) } : undefined },
  } as unknown as Session & { holding: boolean };
  return { session, got, topics };
}

const event: ChatEvent = { type: "message", message: { id: 1, kind: "public", from: "a", room: "#r", text: "hi", at: new Date(0) } };

test("viewers on a publishing transport hear the room on its topic once subscribed; the others one by one", () => {
  const rooms = new RoomTable();
  const published: string[] = [];
  rooms.publishVia("ws", (topic) => published.push(topic));
  const [web, term] = [fakeSession("ws"), fakeSession("tcp")];
  const state = rooms.view(web.session, { id: 7, name: "#r" });
  rooms.view(term.session, { id: 7, name: "#r" });
  // Before subscribe (a replay being sent), the web session is sent to directly too.
  expect(rooms.broadcast(state, event)).toBe(2);
  expect([published, web.got.length, term.got.length]).toEqual([[], 1, 1]);
  rooms.subscribe(web.session);
  rooms.subscribe(term.session);
  expect(web.topics).toEqual(new Set(["room:7"]));
  rooms.broadcast(state, event);
  expect([published, web.got.length, term.got.length]).toEqual([["room:7"], 1, 2]);
  // A session holding a replay is not moved to the topic.
  const held = fakeSession("ws");
  held.session.holding = true;
  rooms.view(held.session, { id: 7, name: "#r" });
  rooms.subscribe(held.session);
  expect(held.topics.size).toBe(0);
});

test("unview leaves the topic; the last viewer gone, the room is forgotten; audience is who views the rooms", () => {
  const rooms = new RoomTable();
  rooms.publishVia("ws", () => {});
  const web = fakeSession("ws");
  rooms.view(web.session, { id: 1, name: "#a" });
  rooms.view(web.session, { id: 2, name: "#b" });
  rooms.subscribe(web.session);
  expect(rooms.audience([1, 2, 3]).map((s) => s.size)).toEqual([1, 1]);
  expect(rooms.unview(web.session, 1)?.room.name).toBe("#a");
  expect(web.topics).toEqual(new Set(["room:2"]));
  expect(rooms.get(1)).toBeUndefined();
  expect(rooms.unviewAll(web.session).map((s) => s.room.name)).toEqual(["#b"]);
  expect(rooms.size).toBe(0);
});
