import { afterAll, expect, spyOn, test } from "bun:test";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog, type Log } from "../../server/core/log.ts";
import { startServer } from "../../server/serve.ts";
import { seedDataDir } from "../template.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { Signal } from "./signal.ts";

const dir = tempDir("chat-healthz-");
afterAll(() => removeDir(dir));

test("/healthz answers 503 without the store's error, which goes to the log, once the store stops answering its pings", async () => {
  const errors: Record<string, unknown>[] = [];
  const logged = new Signal();
  const log: Log = { ...silentLog, error: (event, fields) => (errors.push({ event, ...fields }), logged.wake()) };
  await seedDataDir(dir);
  const server = await startServer(configSchema.parse({ host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir: dir, passwordHash: CHEAP_HASH }), log);
  try {
    const healthz = `http://127.0.0.1:${server.httpPort}/healthz`;
    const ok = await fetch(healthz);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok", store: "embedded" });

    const secret = 'password authentication failed for user "chat_owner" at db.internal.example:5432';
    const ping = spyOn(server.store, "ping").mockImplementation(async () => {
      throw new Error(secret);
    });
    // The health probe pings every second; /healthz answers from what it last saw, never waiting on the store.
    await logged.until(() => errors[0], Date.now() + 5000, () => "the store was never seen down");
    const down = await fetch(healthz);
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(Object.keys(JSON.parse(text))).toEqual(["status", "uptime", "store", "since"]);
    expect(JSON.parse(text)).toMatchObject({ status: "unavailable", store: "embedded" });
    expect(text).not.toContain("chat_owner");
    expect(errors).toEqual([{ event: "store is down", error: `Error: ${secret}` }]);
    ping.mockRestore();
  } finally {
    await server.stop();
  }
});
