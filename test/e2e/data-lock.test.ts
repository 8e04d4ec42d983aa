import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { seedDataDir } from "../template.ts";
import { LineClient } from "./client.ts";
import { removeDir, tempDir } from "./harness.ts";
import { MAIN, spawnServer, type ServerProcess } from "./server-process.ts";

// Two processes on one embedded database each keep their own copy in memory: what one of them
// stores, the other overwrites. The data folder's lock keeps the second one out.

async function run(cwd: string, args: string[]) {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("the data folder's lock", () => {
  const dir = tempDir("chat-lock-");
  const dataDir = join(dir, "data");
  const ports = ["--host", "127.0.0.1", "--port", "0", "--http-port", "0"];
  const running: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of running) {
      s.proc.kill("SIGKILL");
      await s.proc.exited;
    }
    removeDir(dir);
  });

  test("a second server and chat migrate on a folder in use exit 1 with one line naming it and the holder", async () => {
    await seedDataDir(dataDir);
    const first = await spawnServer(dir, [...ports, "--data-dir", dataDir]);
    running.push(first);
    const second = await run(dir, ["serve", ...ports, "--data-dir", dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(`chat: ${dataDir} is in use by another chat server (pid ${first.proc.pid})`);
    const migrate = await run(dir, ["migrate", "--data-dir", dataDir]);
    expect(migrate.code).toBe(1);
    expect(migrate.stderr.trim()).toBe(`chat: ${dataDir} is in use by another chat server (pid ${first.proc.pid})`);
    // The first server is unharmed.
    const c = await LineClient.login(first.tcpPort, "keeper", "pw-keeper-1");
    c.close();
  });

  test("a lock left by a server killed with SIGKILL is taken over, and its data is there", async () => {
    const first = running.pop()!;
    first.proc.kill("SIGKILL");
    await first.proc.exited;
    expect(existsSync(join(dataDir, "chat.lock"))).toBe(true);
    const next = await spawnServer(dir, [...ports, "--data-dir", dataDir]);
    running.push(next);
    const c = await LineClient.login(next.tcpPort, "keeper", "pw-keeper-1");
    // A known account asks for its password, it does not create a new one.
    expect(c.text).not.toContain("new nick");
    c.close();
    // And the new holder keeps others out in turn.
    const again = await run(dir, ["migrate", "--data-dir", dataDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`(pid ${next.proc.pid})`);
  });

  test("a server that stops normally leaves no lock behind", async () => {
    const next = running.pop()!;
    next.proc.kill("SIGTERM");
    expect(await next.proc.exited).toBe(0);
    expect(existsSync(join(dataDir, "chat.lock"))).toBe(false);
    const migrate = await run(dir, ["migrate", "--data-dir", dataDir]);
    expect(migrate.code).toBe(0);
  });
});
