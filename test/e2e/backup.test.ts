import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { startPgServer } from "../pg-server.ts";
import { seedDataDir } from "../template.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { admin, freePort, MAIN, spawnServer } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

// An operator's backup of a running server, its restore, and the move to a real PostgreSQL server,
// with the real commands: `chat admin backup`, `chat restore`, `chat copy-store`.

async function chat(cwd: string, args: string[]) {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe.skipIf(lacks("postgres"))("backups and moving to PostgreSQL", () => {
  test("a backup taken while chatting restores into a new folder, and copy-store moves it into PostgreSQL with its ids", async () => {
    const dir = tempDir("chat-backup-");
    const config = (name: string) => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify({ host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), dataDir: join(dir, name),
        // Thirty lines at once: more than a person's burst, which is not what this test is about.
        limits: { messageBurstLines: 1000, messagesPerSecond: 1000 }, passwordHash: CHEAP_HASH }));
      return path;
    };
    const [first, second] = [config("first"), config("second")];
    const pg = (await startPgServer())!;
    try {
      await seedDataDir(join(dir, "first"));
      const server = await spawnServer(dir, ["--config", first]);
      let before: any[];
      try {
        const ana = await WsClient.login(server.httpPort, "ana");
        for (let i = 0; i < 30; i++) ana.send({ type: "say", text: `m${i}` });
        await ana.waitFor((f) => f.type === "message" && f.text === "m29");
        before = ana.messages();
        // The chat goes on during the backup and after it.
        const backup = admin(dir, ["--config", first, "backup", join(dir, "chat.backup")]);
        ana.send({ type: "say", text: "during the backup" });
        const done = await backup;
        expect(done).toMatchObject({ code: 0, stderr: "" });
        expect(done.stdout).toMatch(/^Backed up to .*chat\.backup \(\d+\.\d MB\)\n$/);
        ana.send({ type: "say", text: "after the backup" });
        await ana.waitFor((f) => f.type === "message" && f.text === "after the backup");
        // Sent while the snapshot was read: it waited, and was stored; nobody was told of an outage.
        expect(ana.messages().map((m) => m.text)).toContain("during the backup");
        expect(ana.frames.filter((f) => f.type === "error" || f.key === "sending_paused")).toEqual([]);
        ana.close();
      } finally {
        server.proc.kill("SIGTERM");
        await server.proc.exited;
      }

      // Restore: into a folder of its own; a database already there would be moved aside.
      const restored = await chat(dir, ["restore", join(dir, "chat.backup"), "--config", second]);
      expect(restored).toMatchObject({ code: 0, stderr: "" });
      // What was restored is read below, through the copy of it on PostgreSQL.
      // A file that is not there is one clear line, and nothing is touched.
      const busy = await chat(dir, ["restore", join(dir, "nothing-here.backup"), "--config", second]);
      expect(busy).toMatchObject({ code: 1, stderr: `No such file: ${join(dir, "nothing-here.backup")}\n` });

      // Move: every row into an empty PostgreSQL database, then a server on it reads the history.
      const copied = await chat(dir, ["copy-store", "--to", pg.url, "--config", second]);
      expect(copied).toMatchObject({ code: 0, stderr: "" });
      expect(copied.stdout).toMatch(/^messages +3\d$/m);
      const refused = await chat(dir, ["copy-store", "--to", pg.url, "--config", second]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^Cannot copy the store: The target database is not empty \(table \w+ has rows\)/);

      const moved = await startServer(configSchema.parse({ host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir: join(dir, "pg"), database: { url: pg.url } }), silentLog);
      try {
        const ana = await WsClient.login(moved.httpPort, "ana");
        ana.send({ type: "history", room: "#lobby", limit: 100 });
        const page = await ana.waitFor((f) => f.type === "history" && f.reason === "page");
        const mine = page.messages.filter((m: any) => m.from === "ana");
        // Everything up to the backup, with its ids; nothing from after it.
        expect(mine.slice(0, 30).map((m: any) => [m.id, m.text])).toEqual(before.map((m) => [m.id, m.text]));
        expect(mine.map((m: any) => m.text)).not.toContain("after the backup");
        ana.send({ type: "say", text: "on the real server" });
        const fresh = await ana.waitFor((f) => f.type === "message" && f.text === "on the real server");
        expect(fresh.id).toBeGreaterThan(before.at(-1).id);
        ana.close();
      } finally {
        await moved.stop();
      }
    } finally {
      await pg.stop();
      removeDir(dir);
    }
  }, 240_000);
});
