import { expect, test } from "bun:test";
import { configSchema } from "./config/schema.ts";
import type { Gateway } from "./core/hub.ts";
import { silentLog } from "./core/log.ts";
import type { Publisher } from "./core/rooms.ts";
import type { Session, SessionSink } from "./core/session.ts";
import { wsHandlers, wsPublisher, type WsData } from "./ws.ts";

// The WebSocket edge alone, with a gateway that only records the sinks it is handed.

test("a message published to a room just before its member leaves it still reaches that member", async () => {
  const sinks: SessionSink[] = [];
  const gateway = {
    log: silentLog,
    connect(sink: SessionSink) {
      sinks.push(sink);
      return { lang: "en", closed: false } as Session;
    },
    frame: async () => {},
    disconnect() {},
  } as unknown as Gateway;
  const server = Bun.serve<WsData>({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, s) => (s.upgrade(req, { data: { remote: "test", lang: "en" } as WsData }) ? undefined : new Response("no", { status: 400 })),
    websocket: wsHandlers(gateway, configSchema.parse({}).limits),
  });
  try {
    const publish: Publisher = wsPublisher(new Set([server]));
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/`);
    const frames: string[] = [];
    const got = new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        frames.push(String(e.data));
        resolve();
      };
    });
    await new Promise((resolve) => (ws.onopen = resolve));
    while (sinks.length === 0) await new Promise((r) => setImmediate(r));
    const topics = sinks[0]!.topics!;
    topics.subscribe("room:1");
    const message = { id: 1, kind: "public" as const, from: "a", room: "#edge", text: "the last word", at: new Date(0) };
    // Published, then unsubscribed in the same turn: Bun must still write it to the socket.
    publish("room:1", { type: "message", message });
    topics.unsubscribe("room:1");
    await got;
    expect(JSON.parse(frames[0]!)).toMatchObject({ type: "message", text: "the last word", room: "#edge" });
    ws.close();
  } finally {
    server.stop(true);
  }
});
