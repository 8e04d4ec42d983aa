import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedStore } from "../../server/store/pglite.ts";
import { seedDataDir } from "../template.ts";
import { LineClient } from "./client.ts";
import { CHEAP_HASH, LOOPBACK, removeDir, tempDir } from "./harness.ts";
import { spawnServer } from "./server-process.ts";

// The real process, stopped by a signal while a burst of messages is still being stored.
describe("stopping on a signal", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} tells users, stores every accepted message and exits 0`, async () => {
      const dir = tempDir("chat-stop-");
      dirs.push(dir);
      const dataDir = join(dir, "data");
      await seedDataDir(dataDir);
      // The burst below is a flood by the default limits: loopback is exempted, as a trusted bouncer would be.
      // The stop deadline (10 s by default, then exit 1) is not what this is about: on a machine
      // others share, storing the burst and stopping can take longer than that.
      writeFileSync(join(dir, "chat.json"), JSON.stringify({ limits: { exemptAddresses: LOOPBACK, stopDeadlineSeconds: 120 }, passwordHash: CHEAP_HASH }));
      const server = await spawnServer(dir, ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--data-dir", dataDir]);
      const a = await LineClient.login(server.tcpPort, "hana", "pw-hana-long");
      const b = await LineClient.login(server.tcpPort, "ivan", "pw-ivan-long");
      // One write: the server reads the whole burst before the signal can arrive.
      a.write(Array.from({ length: 400 }, (_, i) => `burst ${i}\r\n`).join(""));
      await b.waitFor(/<hana> burst 0$/);
      server.proc.kill(signal);
      // With what it printed, so a failure says why it exited as it did.
      const code = await server.proc.exited;
      expect({ code, output: code === 0 ? "" : server.output() }).toEqual({ code: 0, output: "" });
      await a.waitFor(/^\*\*\* The server is stopping$/);
      await b.waitFor(/^\*\*\* The server is stopping$/);
      await a.waitClosed();
      // Everything stored was delivered before the connections closed.
      await b.waitFor(/<hana> burst 399$/);

      const store = await embeddedStore(dataDir);
      try {
        expect(await store.countMessages()).toBe(400);
      } finally {
        await store.close();
      }
      const log = readFileSync(join(dataDir, "logs", "chat.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l).event);
      expect(log.slice(-4)).toEqual(["signal", "logout", "logout", "stopped"]);
      expect(log).toContain("started");
      expect(log.filter((e: string) => e === "login")).toHaveLength(2);
      expect(existsSync(join(dataDir, "admin.token"))).toBe(true);
      a.close();
      b.close();
    });
  }
});
