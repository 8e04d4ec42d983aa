import { describe, expect, test } from "bun:test";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer } from "../../server/serve.ts";
import { postgresClient } from "../../server/store/postgres.ts";
import { lacks } from "../needs.ts";
import { startPgServer } from "../pg-server.ts";
import { LineClient } from "./client.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

// PostgreSQL stopped (pg_ctl stop -m fast) under a steady load and started again: a short, clear,
// self-healing interruption. The deadlines are the waits' timeouts; what was measured is printed.

describe.skipIf(lacks("postgres"))("a PostgreSQL outage under load", () => {
  test("senders are told at once, /healthz says 503, logins are refused but stay open, and every acknowledged message is stored once", async () => {
    const pg = (await startPgServer())!;
    const dir = tempDir("chat-outage-");
    const server = await startServer(
      // ~40 messages a second from one user is the load here, not a flood to slow.
      configSchema.parse({ host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir: dir, database: { url: pg.url }, limits: { messageBurstLines: 1000, messagesPerSecond: 1000 }, passwordHash: CHEAP_HASH }),
      silentLog,
    );
    const clients: { close(): void }[] = [];
    let load: ReturnType<typeof setInterval> | undefined;
    try {
      const ana = await WsClient.login(server.httpPort, "ana");
      const beto = await LineClient.login(server.tcpPort, "beto");
      clients.push(ana, beto);
      const answered = () => ana.frames.filter((f) => (f.type === "message" && f.from === "ana") || f.type === "error").length;
      // About 40 messages a second, each numbered, for the whole test.
      let sent = 0;
      load = setInterval(() => ana.send({ type: "say", text: `m${sent++}` }), 25);
      await ana.waitFor((f) => f.type === "message" && f.text === "m10");

      const stoppedAt = performance.now();
      await pg.pause();
      await beto.waitFor(/messages cannot be sent for now/, { timeout: 5000 });
      const noticeAfter = performance.now() - stoppedAt;
      const refused = await ana.waitFor((f) => f.type === "error", { timeout: 5000 });
      expect(refused).toMatchObject({ key: "not_sent_store_down", message: "Not sent: the database is unavailable; your message was not stored" });

      const asked = performance.now();
      const health = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`);
      const healthzMs = performance.now() - asked;
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: "unavailable", store: "postgres" });
      const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
      expect(metrics).toContain('chat_store_up{store="postgres"} 0');
      const status = await server.hub.operator.status();
      expect(status.store).toMatchObject({ kind: "postgres", healthy: false, error: expect.stringMatching(/ECONNREFUSED|ECONNRESET|57P01|CONNECTION/) });
      expect(Date.parse(status.store.since)).toBeGreaterThan(Date.now() - 60_000);

      // A login meanwhile is refused with the reason and asked again, on the same connection.
      const carl = await LineClient.open(server.tcpPort);
      clients.push(carl);
      await carl.waitForText("Nickname: ");
      carl.send("carl");
      await carl.waitFor(/database is unavailable right now/);
      await carl.until(() => carl.text.split("Nickname: ").length === 3, "the nickname prompt again");
      expect(carl.closed).toBe(false);

      // Under load throughout: every message sent during the outage gets its answer at once.
      // Twenty more refusals after counting (half a second of load): by then every message sent
      // before it has had its answer, the last one too, which could still be on its way just now.
      const during = sent;
      const errors = () => ana.frames.filter((g) => g.type === "error").length;
      const errorsBefore = errors();
      await ana.waitFor((f) => f.type === "error" && errors() >= errorsBefore + 20, { timeout: 5000 });
      expect(answered()).toBeGreaterThanOrEqual(during);

      const startedAt = performance.now();
      await pg.resume();
      await beto.waitFor(/you can send messages again/, { timeout: 5000 });
      const back = sent;
      await ana.waitFor((f) => f.type === "message" && f.from === "ana" && Number(f.text.slice(1)) >= back, { timeout: 2000 });
      const recoveredMs = performance.now() - startedAt;

      // The refused login goes through now, nobody having reconnected.
      carl.send("carl");
      await carl.waitForText("New password: ");
      carl.send("secret-pw");
      await carl.waitForText("Repeat password: ");
      carl.send("secret-pw");
      await carl.waitFor(/^--- Recent messages in #lobby/);

      clearInterval(load);
      load = undefined;
      const last = sent - 1;
      await ana.waitFor(() => answered() === sent, { timeout: 5000 });
      // Each message got exactly one answer: stored and echoed, or refused.
      const acknowledged = ana.frames.filter((f) => f.type === "message" && f.from === "ana").map((f) => f.text as string);
      const refusedCount = ana.frames.filter((f) => f.type === "error").length;
      expect(acknowledged.length + refusedCount).toBe(sent);
      expect(acknowledged).toContain(`m${last}`);

      const db = postgresClient(pg.url);
      try {
        const rows = await db.query<{ body: string; n: string }>("SELECT body, count(*) AS n FROM messages GROUP BY body");
        const stored = new Map(rows.map((r) => [r.body, Number(r.n)]));
        for (const text of acknowledged) expect({ text, times: stored.get(text) }).toEqual({ text, times: 1 });
        // Nothing refused was stored behind its sender's back.
        expect(rows.length).toBe(acknowledged.length);
      } finally {
        await db.close();
      }
      console.log(
        `outage: users told after ${noticeAfter.toFixed(0)} ms, /healthz 503 in ${healthzMs.toFixed(0)} ms, ` +
          `first message stored ${recoveredMs.toFixed(0)} ms after PostgreSQL started (pg_ctl start included); ` +
          `${acknowledged.length} stored, ${refusedCount} refused`,
      );
    } finally {
      if (load) clearInterval(load);
      for (const c of clients) c.close();
      await server.stop();
      await pg.stop();
      removeDir(dir);
    }
  }, 90_000);
});
