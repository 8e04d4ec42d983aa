import { describe, expect, test } from "bun:test";
import { lacks } from "../needs.ts";
import { clusterFixture } from "./cluster-kit.ts";
import { WsClient } from "./ws-client.ts";

// What each node counts of the others (issue 16): an account's unread and mention counts follow a
// read marker moved on another node, and `chat admin status` and /metrics add up users and
// connections over every live node beside the answering node's own.

describe.skipIf(lacks("postgres"))("counts across two nodes on one PostgreSQL", () => {
  const fx = clusterFixture();

  test("a read marker moved on one node sets the unread and mention counts of the account's sessions on the other", async () => {
    const onA = fx.keep(await WsClient.login(fx.nodes[0]!.server.httpPort, "rd_dana"));
    const onB = fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "rd_dana"));
    const caro = fx.keep(await WsClient.login(fx.nodes[0]!.server.httpPort, "rd_caro"));
    // A status set on b reaches a after b's word that dana is online there.
    onB.send({ type: "status", status: "busy" });
    await onA.waitFor((f) => f.type === "presence" && f.nick === "rd_dana" && f.status === "busy", { timeout: 20000 });
    for (const text of ["rd_dana: one", "two", "three"]) caro.send({ type: "say", text });
    const three = await onA.waitFor((f) => f.type === "message" && f.text === "three", { timeout: 20000 });
    await onB.waitFor((f) => f.type === "message" && f.text === "three", { timeout: 20000 });
    onB.send({ type: "rooms" });
    const before = await onB.waitFor((f) => f.type === "rooms");
    expect(before.rooms.find((r: any) => r.name === "#lobby")).toMatchObject({ unread: 3, mentions: 1 });
    onA.send({ type: "read", room: "#lobby", id: three.id });
    const told = await onB.waitFor((f) => f.type === "unread", { timeout: 20000 });
    expect(told.conversations).toEqual([{ room: "#lobby", readId: three.id, unread: 0, mentions: 0 }]);
    const from = onB.frames.length;
    onB.send({ type: "rooms" });
    const after = await onB.waitFor((f) => f.type === "rooms", { from });
    expect(after.rooms.find((r: any) => r.name === "#lobby")).toMatchObject({ unread: 0, mentions: 0 });
  });
});
