import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN } from "../../test/e2e/server-process.ts";
import { configSchema } from "./schema.ts";

test("cluster.enabled needs a real PostgreSQL: the embedded store is single-node", () => {
  const alone = configSchema.safeParse({ cluster: { enabled: true } });
  expect(alone.success).toBe(false);
  expect(alone.error!.issues[0]!.path).toEqual(["cluster", "enabled"]);
  const shared = configSchema.parse({ cluster: { enabled: true }, database: { url: "postgres://db/chat" }, node: { name: "n1" } });
  expect(shared.cluster).toEqual({ enabled: true, heartbeatSeconds: 3, deadAfterSeconds: 15, pollSeconds: 1.5 });
  expect(configSchema.safeParse({ trustedProxies: ["10.0.0.1", "::1"] }).success).toBe(true);
  expect(configSchema.safeParse({ trustedProxies: ["balancer.local"] }).success).toBe(false);
});

test("chat serve with cluster.enabled and no database prints one line and exits 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "chat-cluster-config-"));
  try {
    writeFileSync(join(dir, "chat.json"), JSON.stringify({ cluster: { enabled: true } }));
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const r = Bun.spawnSync([process.execPath, MAIN, "serve"], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
    expect(r.exitCode).toBe(2);
    const err = r.stderr.toString();
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("cluster.enabled");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
