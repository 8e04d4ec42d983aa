import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embeddedClient } from "../../server/store/pglite.ts";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { startPgServer } from "../pg-server.ts";
import { seedDataDir } from "../template.ts";
import { removeDir, tempDir } from "./harness.ts";
import { admin, freePort, MAIN, spawnServer } from "./server-process.ts";

const run = (cwd: string, args: string[]) => Bun.spawnSync([process.execPath, MAIN, ...args], { cwd, stdout: "pipe", stderr: "pipe" });

/** What a failed start printed: it must be one line with no stack trace, and the status 2. */
function oneLine(r: ReturnType<typeof run>): string {
  const err = r.stderr.toString();
  expect(r.exitCode).toBe(2);
  expect(err.trim().split("\n")).toHaveLength(1);
  expect(err).not.toMatch(/^\s+at /m);
  return err;
}

describe("starting chat", () => {
  const dir = tempDir("chat-start-");
  afterAll(() => removeDir(dir));

  test("a port in use names the port and the flag that sets it", async () => {
    await seedDataDir(dir);
    const busy = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
    try {
      const tcp = oneLine(run(dir, ["--port", String(busy.port), "--http-port", "0", "--data-dir", "."]));
      expect(tcp).toBe(`chat: Port ${busy.port} is already in use on 0.0.0.0 (set by --port or tcpPort); stop what uses it or choose another port\n`);
      const http = oneLine(run(dir, ["--port", "0", "--http-port", String(busy.port), "--data-dir", "."]));
      expect(http).toContain(`Port ${busy.port} is already in use on 0.0.0.0 (set by --http-port or httpPort)`);
    } finally {
      busy.stop(true);
    }
  });

  test("a bad flag, an unusable data folder and a missing config are one line each, status 2", () => {
    expect(oneLine(run(dir, ["--port", "abc"]))).toBe(`--port must be a port number from 0 to 65535, not "abc"\n`);
    expect(oneLine(run(dir, ["--http-port", "70000"]))).toContain("--http-port must be a port number");
    expect(oneLine(run(dir, ["--bogus"]))).toContain("Unknown option '--bogus'");
    writeFileSync(join(dir, "a-file"), "");
    expect(oneLine(run(dir, ["--data-dir", "a-file/data", "--port", "0", "--http-port", "0"])))
      .toMatch(/^chat: Cannot write to the data folder a-file\/data \(ENOTDIR\); choose another with --data-dir or dataDir\n$/);
    expect(oneLine(run(dir, ["--config", "nowhere.json"]))).toMatch(/^Config file .*nowhere\.json does not exist\n$/);
  });

  test("the started line names where to connect; chat admin and chat healthcheck find a server on another port", async () => {
    await seedDataDir(join(dir, "chat-data"));
    const httpPort = freePort();
    const server = await spawnServer(dir, ["--host", "127.0.0.1", "--port", "0", "--http-port", String(httpPort)]);
    try {
      expect(server.started).toMatchObject({
        telnet: `telnet 127.0.0.1 ${server.tcpPort}`,
        web: `http://127.0.0.1:${httpPort}`,
        adminToken: "chat-data/admin.token",
      });
      expect(readFileSync(join(dir, "chat-data", "admin.url"), "utf8")).toBe(`http://127.0.0.1:${httpPort}\n`);
      // No --url, and the config (none) names port 8080: admin.url in the data folder says where.
      const status = await admin(dir, ["status"]);
      expect(status.stderr).toBe("");
      expect(status.code).toBe(0);
      expect(run(dir, ["healthcheck"]).exitCode).toBe(0);
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
    }
    // Stopped: the health check says so, and the console does not claim to be connected.
    const down = run(dir, ["healthcheck"]);
    expect(down.exitCode).toBe(1);
    const console = await admin(dir, [], { input: "status\n" });
    expect(console.code).toBe(1);
    expect(console.stdout).not.toContain("Connected");
    expect(console.stderr).toContain(`Cannot reach chat admin API at http://127.0.0.1:${httpPort}`);
  });

  test("a start that has migrations to apply says so on stderr before applying them; an up-to-date one says nothing", async () => {
    const old = tempDir("chat-upgrade-");
    try {
      await seedDataDir(old);
      // One migration behind: undo what 008_cluster made, and forget that it ran.
      const db = await embeddedClient(old);
      await db.exec("DROP TABLE sessions, nodes; DELETE FROM schema_migrations WHERE version = 8");
      await db.close();
      const args = ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--data-dir", "."];
      const stderrOfOneStart = async () => {
        const server = await spawnServer(old, args);
        server.proc.kill("SIGTERM");
        await server.proc.exited;
        return new Response(server.proc.stderr).text();
      };
      expect(await stderrOfOneStart()).toBe("chat: upgrading the database: applying 1 migration (on a large database this can take minutes)\n");
      expect(await stderrOfOneStart()).toBe("");
    } finally {
      removeDir(old);
    }
  });

  test("a server on the embedded store evaluates neither acme-client, the PostgreSQL driver nor the clients", async () => {
    // They cost memory at every start (about 10 MiB of RSS) and only some starts or commands need
    // them: each is imported where it is used. A preload reports what the process had loaded.
    const data = tempDir("chat-lazy-");
    const hook = join(data, "loaded.ts");
    const list = join(data, "loaded.json");
    writeFileSync(hook, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));`);
    try {
      await seedDataDir(data);
      const server = await spawnServer(dir, ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--data-dir", data], { BUN_OPTIONS: `--preload ${hook}` });
      // Answered once the start has returned, so SIGTERM finds chat's handler (not the default).
      expect((await fetch(`http://127.0.0.1:${server.httpPort}/healthz`)).status).toBe(200);
      server.proc.kill("SIGTERM");
      expect(await server.proc.exited).toBe(0);
      const loaded: string[] = JSON.parse(readFileSync(list, "utf8"));
      expect(loaded).toContainEqual(expect.stringContaining("node_modules/@electric-sql/pglite/"));
      const needless = /node_modules\/(acme-client|postgres)\/|server\/cli\/(admin|connect|store|healthcheck)\.ts|server\/store\/postgres\.ts|server\/cluster\/pg-link\.ts/;
      expect(loaded.filter((path) => needless.test(path))).toEqual([]);
    } finally {
      removeDir(data);
    }
  });

  test("SIGTERM sent on seeing the started line stops the server cleanly", async () => {
    // As a supervisor or the startup benchmark does. Killed instead, the next start would recover
    // the database from its WAL. Tried a few times: the gap it falls into is short.
    const data = tempDir("chat-term-");
    try {
      await seedDataDir(data);
      for (let i = 0; i < 3; i++) {
        const server = await spawnServer(dir, ["--host", "127.0.0.1", "--port", "0", "--http-port", "0", "--data-dir", data]);
        server.proc.kill("SIGTERM");
        expect(await server.proc.exited).toBe(0);
        expect(server.output()).toContain('"event":"stopped"');
      }
    } finally {
      removeDir(data);
    }
  });

  test("Ctrl-C while the first start creates the database stops at once and leaves no half-made one", async () => {
    const empty = tempDir("chat-first-");
    try {
      const proc = Bun.spawn([process.execPath, MAIN, "--port", "0", "--http-port", "0", "--data-dir", "."], { cwd: empty, stdout: "pipe", stderr: "pipe" });
      const reader = proc.stderr.getReader();
      let err = "";
      while (!err.includes("first start: creating the database")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`exited first: ${err}`);
        err += new TextDecoder().decode(value);
      }
      proc.kill("SIGINT");
      await proc.exited;
      expect(proc.signalCode).toBe("SIGINT");
      expect(await new Response(proc.stdout).text()).not.toContain('"event":"started"');
      expect(existsSync(join(empty, "pgdata", "PG_VERSION"))).toBe(false);
    } finally {
      removeDir(empty);
    }
  });
});

describe.skipIf(lacks("postgres"))("a new, empty database", () => {
  test("is given its tables without the upgrade notice, which is for databases with data in them", async () => {
    const pg = (await startPgServer())!;
    const dir = tempDir("chat-new-db-");
    const told: string[] = [];
    try {
      const config = configSchema.parse({ host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir: dir, database: { url: pg.url } });
      const server = await startServer(config, silentLog, { tell: (line) => told.push(line) });
      await server.stop();
      expect(told).toEqual([]);
    } finally {
      removeDir(dir);
      await pg.stop();
    }
  });
});
