import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lacks } from "../needs.ts";
import { clusterFixture, startNode, who } from "./cluster-kit.ts";
import { LineClient } from "./client.ts";
import { removeDir } from "./harness.ts";
import { admin } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

// What each node counts of the others (issue 16): an account's unread and mention counts follow a
// read marker moved on another node, and `chat admin status` and /metrics add up users and
// connections over every live node beside the answering node's own.

describe.skipIf(lacks("postgres"))("counts across two nodes on one PostgreSQL", () => {
  const fx = clusterFixture();

  /**
   * Asks `ask` again until `ready` holds of its answer: another node's connections reach this
   * one with its heartbeats (every 0.3 s here), so the figures settle a moment after the logins.
   */
  async function settled<T>(ask: () => Promise<T>, ready: (t: T) => boolean): Promise<T> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const answer = await ask();
      if (ready(answer) || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  test("chat admin status and /metrics add up users and connections over the live nodes, beside the node's own", async () => {
    // On a: ana by terminal and beto on the web; on b: ana again and caro, on the web.
    await fx.terminal(0, "st_ana");
    fx.keep(await WsClient.login(fx.nodes[0]!.server.httpPort, "st_beto"));
    fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "st_ana"));
    fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "st_caro"));
    const token = readFileSync(join(fx.nodes[0]!.dir, "admin.token"), "utf8").trim();
    const everyone = { nodes: 2, usersOnline: 3, connections: { tcp: 1, ws: 3 } };
    const status = await settled(
      async () => (await fetch(`http://127.0.0.1:${fx.nodes[0]!.server.httpPort}/admin/status`, { headers: { authorization: `Bearer ${token}` } })).json(),
      (s: any) => Bun.deepEquals(s.cluster, everyone),
    );
    expect(status).toMatchObject({ node: "a", nodes: 2, usersOnline: 2, connections: { tcp: 1, ws: 1 }, cluster: everyone });
    // Node b's figures come from its own heartbeats and node a's, which may land between two of b's.
    const lines = ["chat_users_online 2", 'chat_connections{transport="ws"} 2', "chat_cluster_nodes 2", "chat_cluster_users_online 3",
      'chat_cluster_connections{transport="tcp"} 1', 'chat_cluster_connections{transport="ws"} 3'];
    const metrics = await settled(
      async () => (await fetch(`http://127.0.0.1:${fx.nodes[1]!.server.httpPort}/metrics`)).text(),
      (m) => lines.every((line) => m.includes(line)),
    );
    for (const line of lines) expect(metrics).toContain(line);
    const shown = await admin(fx.nodes[0]!.dir, ["status", "--url", `http://127.0.0.1:${fx.nodes[0]!.server.httpPort}`, "--token", token]);
    // Once under a load of ~4.6 this printed nothing: the exit status and stderr say why next time.
    expect({ code: shown.code, stderr: shown.stderr }).toEqual({ code: 0, stderr: "" });
    expect(shown.stdout).toMatch(/users online\s+2\n/);
    expect(shown.stdout).toMatch(/cluster\s+2 nodes, 3 users online, 4 connections \(tcp 1, ws 3\)/);
  });

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

  test("a node started while users are online elsewhere lists them from the sessions table", async () => {
    await fx.terminal(0, "late_ana");
    const c = await startNode(fx.pg.url, "c");
    try {
      const eva = await LineClient.login(c.server.tcpPort, "late_eva");
      try {
        expect(await who(eva)).toEqual(expect.arrayContaining(["late_ana", "late_eva"]));
      } finally {
        eva.close();
      }
    } finally {
      await c.server.stop();
      removeDir(c.dir);
    }
  });
});
