import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedStore } from "../../server/store/pglite.ts";
import { postgresStore } from "../../server/store/postgres.ts";
import { lacks } from "../needs.ts";
import { startPgServer, type PgServer } from "../pg-server.ts";
import { seedDataDir } from "../template.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { freePort, spawnServer } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

// kill -9 in the middle of a stream of messages, five times in a row on the same data: every
// message the server acknowledged (echoed to its sender) is stored exactly once, and the embedded
// folder opens again each time.

const ROUNDS = 5;

for (const kind of ["embedded", "postgres"] as const) {
  describe.skipIf(kind === "postgres" && lacks("postgres"))(`kill -9 under load on the ${kind} store`, () => {
    let pg: PgServer | null = null;
    const dir = tempDir("chat-crash-");
    afterAll(async () => {
      await pg?.stop();
      removeDir(dir);
    });

    test(`every acknowledged message is stored once across ${ROUNDS} kills`, async () => {
      const dataDir = join(dir, "data");
      let database: string | undefined;
      if (kind === "postgres") {
        pg = (await startPgServer({ durable: true }))!;
        database = pg.url;
      } else {
        await seedDataDir(dataDir);
      }
      const acknowledged: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        writeFileSync(join(dir, "chat.json"), JSON.stringify({
          host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), dataDir, ...(database ? { database: { url: database } } : {}),
          // A steady stream from one user is what this test is about, not the flood limit.
          limits: { messageBurstLines: 1000, messagesPerSecond: 1000 }, passwordHash: CHEAP_HASH,
        }));
        const server = await spawnServer(dir, []);
        // Not WsClient.login: the first login after a crash may wait for recovery, and the machine is shared.
        const ana = await WsClient.open(server.httpPort);
        // The first round creates the account (the password twice); later ones log in to it.
        ana.send({ type: "login", nick: "ana", password: "secret-pw", ...(round === 0 ? { confirm: "secret-pw" } : {}) });
        await ana.waitFor((f) => f.type === "room", { timeout: 30_000 });
        // A steady stream: a new message whenever one comes back, several in flight at once.
        let sent = 0;
        const next = () => ana.send({ type: "say", text: `r${round}-m${sent++}` });
        ana.onFrame = (f) => {
          if (f.type === "message" && f.from === "ana") next();
        };
        for (let i = 0; i < 8; i++) next();
        await ana.waitFor((f) => f.type === "message" && ana.messages().length >= 20, { timeout: 20_000 });
        server.proc.kill("SIGKILL");
        await server.proc.exited;
        ana.onFrame = null;
        acknowledged.push(...ana.messages().filter((m) => m.from === "ana").map((m) => m.text as string));
        ana.close();
      }
      const store = database ? postgresStore(database) : await embeddedStore(dataDir);
      try {
        const lobby = (await store.findRoom("#lobby"))!;
        const stored = (await store.roomHistory(lobby.id, 200 * ROUNDS)).map((m) => m.text);
        const times = new Map<string, number>();
        for (const t of stored) times.set(t, (times.get(t) ?? 0) + 1);
        for (const text of acknowledged) expect({ text, times: times.get(text) }).toEqual({ text, times: 1 });
        expect(acknowledged.length).toBeGreaterThanOrEqual(20 * ROUNDS);
      } finally {
        await store.close();
      }
    }, 300_000);
  });
}
