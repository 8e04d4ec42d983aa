import { describe, expect, test } from "bun:test";
import { drivers, removeDir, tempDir } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

// A client message id (`cid`) on say, msg and line frames: a resend after a dropped connection,
// or after a restart, returns the stored message instead of storing it again.

for (const driver of await drivers()) {
  describe.skipIf(driver.skip)(`resending on the ${driver.name} store`, () => {
    test("a message resent with the same cid after a dropped connection and a restart is stored once", async () => {
      const dir = tempDir("chat-resend-");
      let server = await driver.start(dir);
      try {
        const ana = await WsClient.login(server.httpPort, "ana");
        const beto = await WsClient.login(server.httpPort, "beto");
        const lobby = (await server.store.findRoom("#lobby"))!;
        const before = (await server.store.roomHistory(lobby.id, 100)).length;

        ana.send({ type: "say", text: "only once", cid: "ana-1" });
        ana.send({ type: "msg", to: "beto", text: "private once", cid: "ana-2" });
        ana.send({ type: "line", text: "!beto typed once", cid: "ana-3" });
        const first = await ana.waitFor((f) => f.type === "message" && f.cid === "ana-1");
        await ana.waitFor((f) => f.type === "message" && f.cid === "ana-3");
        const firstPrivate = ana.frames.find((f) => f.type === "message" && f.cid === "ana-2");
        expect(first).toMatchObject({ text: "only once", from: "ana", room: "#lobby" });
        // The connection drops before the client is sure; it logs in again and resends everything.
        ana.close();
        const again = await WsClient.login(server.httpPort, "ana");
        for (const [cid, frame] of [["ana-1", { type: "say", text: "only once" }], ["ana-2", { type: "msg", to: "beto", text: "private once" }], ["ana-3", { type: "line", text: "!beto typed once" }]] as const) {
          again.send({ ...frame, cid });
        }
        const repeated = await again.waitFor((f) => f.type === "message" && f.cid === "ana-1");
        expect(repeated.id).toBe(first.id);
        expect((await again.waitFor((f) => f.type === "message" && f.cid === "ana-2")).id).toBe(firstPrivate.id);
        await again.waitFor((f) => f.type === "message" && f.cid === "ana-3");
        again.send({ type: "say", text: "marker", cid: "ana-4" });
        await beto.waitFor((f) => f.type === "message" && f.text === "marker");
        // Beto saw each once; the resends reached nobody but their sender.
        expect(beto.messages().map((m) => m.text)).toEqual(["only once", "private once", "typed once", "marker"]);
        again.close();
        beto.close();

        // After a restart the ids are still known.
        await server.stop();
        server = await driver.start(dir);
        const third = await WsClient.login(server.httpPort, "ana");
        third.send({ type: "say", text: "only once", cid: "ana-1" });
        expect((await third.waitFor((f) => f.type === "message" && f.cid === "ana-1")).id).toBe(first.id);
        third.close();
        const texts = (await server.store.roomHistory(lobby.id, 100)).slice(before).map((m) => m.text);
        expect(texts).toEqual(["only once", "marker"]);
        const user = (await server.store.findUser("ana"))!;
        const peer = (await server.store.findUser("beto"))!;
        expect((await server.store.conversation(user.id, peer.id, 10)).map((m) => m.text)).toEqual(["private once", "typed once"]);
      } finally {
        await server.stop();
        removeDir(dir);
      }
    }, 60_000);
  });
}
