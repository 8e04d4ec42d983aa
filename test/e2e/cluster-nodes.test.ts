import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { lacks } from "../needs.ts";
import { LineClient } from "./client.ts";
import { CLUSTER, clusterFixture, startNode, who } from "./cluster-kit.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { freePort, spawnServer } from "./server-process.ts";

// Nodes of a cluster that die, pause, stop and restart (issue 16): their users are shown offline
// within the deadline, come back, and no acknowledged message is lost.

describe.skipIf(lacks("postgres"))("nodes coming and going", () => {
  const fx = clusterFixture();

  test("a node killed with -9: its users go offline on the others, then reconnect to another node and carry on", async () => {
    const dir = tempDir();
    try {
      const config = {
        host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), database: { url: fx.pg.url }, node: { name: "c" }, cluster: CLUSTER, passwordHash: CHEAP_HASH,
      };
      writeFileSync(join(dir, "chat.json"), JSON.stringify(config));
      const c = await spawnServer(dir, []);
      const mara = await fx.terminal(0, "mara");
      const luis = await LineClient.login(c.tcpPort, "luis");
      fx.keep(luis);
      await mara.waitFor(/luis is online/, { timeout: 20000 });
      c.proc.kill(9);
      await c.proc.exited;
      // Nobody says goodbye for a killed node: the others find it silent and put its users offline.
      const gone = await mara.waitFor(/luis went offline/, { timeout: 30000 });
      expect(await who(mara)).not.toContain("luis");
      const again = await fx.terminal(1, "luis");
      await mara.waitFor(/luis is online/, { from: mara.lines.indexOf(gone), timeout: 20000 });
      again.send("back on node b");
      await mara.waitFor(/<luis> back on node b/, { timeout: 20000 });
      expect(await who(mara)).toContain("luis");
    } finally {
      removeDir(dir);
    }
  });

  test("a node that stops cleanly removes its users at once and tells the others", async () => {
    const d = await startNode(fx.pg.url, "d");
    try {
      const olga = await fx.terminal(0, "olga");
      const pepe = await LineClient.login(d.server.tcpPort, "pepe");
      fx.keep(pepe);
      await olga.waitFor(/pepe is online/, { timeout: 20000 });
      await d.server.stop();
      const sql = postgres(fx.pg.url, { max: 1, onnotice: () => {} });
      try {
        // Gone from the database as soon as stop() returns, not when the heartbeat runs out.
        expect(await sql`SELECT name FROM nodes WHERE name = 'd'`).toHaveLength(0);
        expect(await sql`SELECT nick_key FROM sessions WHERE node = 'd'`).toHaveLength(0);
      } finally {
        await sql.end();
      }
      await olga.waitFor(/pepe went offline/, { timeout: 20000 });
    } finally {
      removeDir(d.dir);
    }
  });

  test("a node paused past the deadline is declared dead, and when it wakes it joins again with its users", async () => {
    const dir = tempDir();
    try {
      const config = {
        host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), database: { url: fx.pg.url }, node: { name: "p" }, cluster: CLUSTER, passwordHash: CHEAP_HASH,
      };
      writeFileSync(join(dir, "chat.json"), JSON.stringify(config));
      const p = await spawnServer(dir, []);
      try {
        const vera = await fx.terminal(0, "vera");
        const walt = await LineClient.login(p.tcpPort, "walt");
        fx.keep(walt);
        await vera.waitFor(/walt is online/, { timeout: 20000 });
        p.proc.kill("SIGSTOP");
        const gone = await vera.waitFor(/walt went offline/, { timeout: 30000 });
        p.proc.kill("SIGCONT");
        await vera.waitFor(/walt is online/, { from: vera.lines.indexOf(gone), timeout: 30000 });
        walt.send("still here");
        await vera.waitFor(/<walt> still here/, { timeout: 20000 });
      } finally {
        p.proc.kill(9);
        await p.proc.exited;
      }
    } finally {
      removeDir(dir);
    }
  });

  test("a node restarted under load loses no acknowledged message: the other node's users get every one", async () => {
    // 300 lines at once: flood control (fakelag past a burst of 20) is not what this is about.
    const unthrottled = { messageBurstLines: 1000, messagesPerSecond: 1000, messageBurstBytes: 1 << 20, messageBytesPerSecond: 1 << 20 };
    let r = await startNode(fx.pg.url, "r", unthrottled);
    try {
      const yoli = await fx.terminal(1, "yoli");
      const xavi = await LineClient.login(r.server.tcpPort, "xavi");
      fx.keep(xavi);
      await yoli.waitFor(/xavi is online/, { timeout: 20000 });
      // Lines keep coming while the node stops: what xavi saw echoed was acknowledged.
      xavi.write(Array.from({ length: 300 }, (_, i) => `load ${i}\r\n`).join(""));
      await xavi.waitFor(/<xavi> load 20$/);
      await r.server.stop();
      await xavi.waitClosed();
      const acknowledged = xavi.lines.filter((l) => /<xavi> load \d+$/.test(l)).map((l) => l.replace(/^.*<xavi> /, ""));
      expect(acknowledged.length).toBeGreaterThan(20);
      for (const text of acknowledged) await yoli.waitFor(new RegExp(`<xavi> ${text}$`), { timeout: 20000 });
      removeDir(r.dir);
      r = await startNode(fx.pg.url, "r", unthrottled);
      const again = await LineClient.login(r.server.tcpPort, "xavi");
      fx.keep(again);
      again.send("back after the restart");
      await yoli.waitFor(/<xavi> back after the restart/, { timeout: 20000 });
    } finally {
      await r.server.stop();
      removeDir(r.dir);
    }
  });
});
