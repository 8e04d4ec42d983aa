import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LineClient } from "./client.ts";
import { removeDir, tempDir } from "./harness.ts";
import { templateDir } from "../template.ts";

// The compiled binary, copied alone to an empty folder: no node_modules, no Bun, no PostgreSQL.
describe("dist/chat alone", () => {
  const dir = tempDir("chat-bin-");
  const bin = join(dir, "chat");

  beforeAll(async () => {
    // The seed database comes from the tests' migrated template rather than a fresh initdb (~10 s).
    const seed = join(await templateDir(), "pgdata");
    const build = Bun.spawnSync([process.execPath, "run", "scripts/build.ts", bin, "--seed-from", seed], { cwd: join(import.meta.dir, "../.."), stderr: "pipe", stdout: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr}`);
  });
  afterAll(() => removeDir(dir));

  const run = (...args: string[]) => Bun.spawnSync([bin, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });

  test("prints its version and help", () => {
    expect(run("version").stdout.toString()).toMatch(/^chat \d+\.\d+\.\d+\n$/);
    const help = run("--help");
    expect(help.exitCode).toBe(0);
    expect(help.stdout.toString()).toContain("chat migrate");
    // The clients are imported only when asked for (a server's start does not need them): the
    // binary must still carry them.
    for (const client of ["admin", "connect"]) {
      const r = run(client, "--help");
      expect(r.exitCode).toBe(0);
      expect(r.stdout.toString()).toContain(`chat ${client}`);
    }
  });

  test("a bad config prints one line naming the field and exits 2", () => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify({ tcpPort: "twelve", tpyo: 1 }));
    const r = run("--config", "bad.json");
    expect(r.exitCode).toBe(2);
    const err = r.stderr.toString();
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toMatch(/tcpPort: expected number/);
    expect(run("--config", "missing.json").stderr.toString()).toMatch(/^Config file .*missing\.json does not exist\n$/);
  });

  test("a first start unpacks the database built into it, serves chat and stops cleanly on SIGTERM", async () => {
    const proc = Bun.spawn([bin, "--port", "0", "--http-port", "0", "--host", "127.0.0.1"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
    const reader = proc.stdout.getReader();
    let out = "";
    let started: { tcpPort: number; httpPort: number; [k: string]: unknown } | undefined;
    while (!started) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited early: ${out}${await new Response(proc.stderr).text()}`);
      out += new TextDecoder().decode(value);
      const line = out.split("\n").find((l) => l.includes('"event":"started"'));
      if (line) started = JSON.parse(line);
    }
    expect(existsSync(join(dir, "chat-data", "pgdata", "PG_VERSION"))).toBe(true);
    expect(started).toMatchObject({ telnet: `telnet 127.0.0.1 ${started.tcpPort}`, web: `http://127.0.0.1:${started.httpPort}` });
    const health = await fetch(`http://127.0.0.1:${started.httpPort}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: "ok", store: "embedded" });
    // The web client and its bundled script come from inside the binary.
    const page = await fetch(`http://127.0.0.1:${started.httpPort}/`).then((r) => r.text());
    const script = /<script[^>]+src="([^"]+)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(new URL(script!, `http://127.0.0.1:${started.httpPort}/`));
    expect(js.status).toBe(200);
    expect(await js.text()).toContain("WebSocket");

    const a = await LineClient.login(started.tcpPort, "vera", "pw-vera-long");
    const b = await LineClient.login(started.tcpPort, "walt", "pw-walt-long");
    a.send("from the binary");
    await b.waitFor(/<vera> from the binary$/);
    proc.kill("SIGTERM");
    await a.waitFor(/The server is stopping/);
    expect(await proc.exited).toBe(0);
    // Not initdb: the copy made at build time, which is why a first start takes about a second.
    expect(await new Response(proc.stderr).text()).toBe(`chat: first start: creating the database in chat-data/pgdata from the copy built into chat\n`);
    a.close();
    b.close();
  });
});
