import { describe, expect, test } from "bun:test";
import { lacks } from "../../test/needs.ts";
import { joinMany } from "./ircd.check.ts";
import { startInspircd, startNgircd, type IrcdOptions } from "./ircd.ts";
import { freePort } from "../lib/ports.ts";
import { startBunPublish, startNodeWs, type PeerServer } from "./peer.ts";

// Each peer relays one message in a room of three, as the benchmark will ask of it a million times.

/** Opens WebSockets and collects every text frame each one receives. */
async function openSockets(urls: string[]) {
  const inboxes = urls.map(() => [] as string[]);
  const sockets = await Promise.all(
    urls.map(
      (url, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.onmessage = (e) => inboxes[i]!.push(String(e.data));
          ws.onopen = () => resolve(ws);
          ws.onerror = () => reject(new Error(`Cannot open ${url}`));
        }),
    ),
  );
  return { sockets, inboxes };
}

async function until(done: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await Bun.sleep(10);
}

describe("WebSocket peers", () => {
  test("bun-publish sends a frame, unchanged, to every client including the sender", async () => {
    const peer = await startBunPublish(freePort());
    try {
      const { sockets, inboxes } = await openSockets([1, 2, 3].map(() => `ws://127.0.0.1:${peer.port}/`));
      sockets[0]!.send("hello room");
      await until(() => inboxes.every((inbox) => inbox.length > 0));
      expect(inboxes).toEqual([["hello room"], ["hello room"], ["hello room"]]);
      for (const ws of sockets) ws.close();
    } finally {
      await peer.stop();
    }
  });

  test("node-ws sends a say, as a message from the URL's nick, to every client including the sender", async () => {
    const peer = await startNodeWs(freePort());
    try {
      const { sockets, inboxes } = await openSockets(["ann", "bob", "cy"].map((n) => `ws://127.0.0.1:${peer.port}/?nick=${n}`));
      sockets[0]!.send(JSON.stringify({ type: "say", text: "hello room" }));
      await until(() => inboxes.every((inbox) => inbox.length > 0));
      for (const inbox of inboxes) {
        expect(inbox).toHaveLength(1);
        expect(JSON.parse(inbox[0]!)).toEqual({ type: "message", from: "ann", text: "hello room", at: expect.any(String) });
      }
      sockets[1]!.send("not json");
      await until(() => inboxes[1]!.length > 1);
      expect(inboxes[1]![1]).toBe('{"type":"error"}');
      for (const ws of sockets) ws.close();
    } finally {
      await peer.stop();
    }
  });
});

/**
 * One suite for both IRC daemons: the generator's login works and #bench relays to the others.
 * Skipped when the daemon is not installed: tests never install it (.ci/run and `npm run bench` do).
 */
function ircSuite(name: "ngircd" | "inspircd", start: (o: IrcdOptions) => Promise<PeerServer>) {
  describe(name, () => {
    test.skipIf(lacks(name))(`${name} relays a PRIVMSG to every other member of #bench`, async () => {
      const peer = await start({ port: freePort(), maxClients: 3 });
      try {
        const [ann, bob, cy] = await joinMany(peer.port, 3, peer.afterWelcome);
        ann!.send("PRIVMSG #bench :hello room\r\n");
        await until(() => bob!.received > 0 && cy!.received > 0);
        for (const other of [bob!, cy!]) expect(other.last).toMatch(/^:b0!\S+@\S+ PRIVMSG #bench :hello room$/);
        expect(ann!.received).toBe(0);
        for (const c of [ann!, bob!, cy!]) c.close();
      } finally {
        await peer.stop();
      }
    });
  });
}

ircSuite("ngircd", startNgircd);
ircSuite("inspircd", startInspircd);
