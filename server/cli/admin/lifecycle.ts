import { renameSync, rmSync, writeFileSync } from "node:fs";
import type { ServerStatus } from "../../core/operator.ts";
import type { ReloadReport } from "../../admin.ts";
import { AdminError } from "./client.ts";
import { need, show, type AdminCommand } from "./command.ts";

// `chat admin reload`, `backup`, `restart` and `stop`: the running server's config, store and process.

// How long `restart` and `stop` wait to see the server come back or go away.
const WAIT_MS = 30_000;
const POLL_MS = 100;

export const reload: AdminCommand = {
  name: "reload",
  help: "Re-read the config and apply what can change live (MOTD, limits, server name, reserved nicks); list what needs a restart",
  async run(ctx) {
    const r = await ctx.client.call<ReloadReport>("POST", "/reload");
    show(ctx, r, () => {
      if (r.applied.length === 0 && r.needsRestart.length === 0) return "The config has not changed";
      const lines = [];
      if (r.applied.length) lines.push(`Applied now: ${r.applied.join(", ")}`);
      if (r.needsRestart.length) lines.push(`Needs a restart (chat admin restart): ${r.needsRestart.join(", ")}`);
      return lines.join("\n");
    });
  },
};

export const restart: AdminCommand = {
  name: "restart",
  help: "Tell users, stop, re-read the config and start again; waits until the server is back",
  async run(ctx) {
    const before = await ctx.client.call<ServerStatus>("GET", "/status");
    const asked = performance.now();
    await ctx.client.call("POST", "/restart");
    const back = await poll(async () => {
      const s = await ctx.client.call<ServerStatus>("GET", "/status").catch(() => null);
      return s && s.startedAt !== before.startedAt ? s : null;
    });
    if (!back) throw new AdminError(`The server at ${ctx.client.url} did not come back within ${WAIT_MS / 1000} s; see its log`);
    const ms = Math.round(performance.now() - asked);
    show(ctx, { restarted: true, ms }, () => `Restarted in ${ms} ms; users can log in again`);
  },
};

export const stop: AdminCommand = {
  name: "stop",
  help: "Tell users, store every accepted message, close the store and exit; waits until the server is gone",
  async run(ctx) {
    await ctx.client.call("POST", "/stop");
    const gone = await poll(async () => (await ctx.client.call("GET", "/status").then(() => false, () => true)) || null);
    if (!gone) throw new AdminError(`The server at ${ctx.client.url} is still answering after ${WAIT_MS / 1000} s; see its log`);
    show(ctx, { stopped: true }, () => "Stopped");
  },
};

export const backup: AdminCommand = {
  name: "backup",
  args: "<file>",
  help: "Write a consistent snapshot of the running server's embedded store to a file (chat restore brings it back); a real PostgreSQL is backed up with pg_dump",
  async run(ctx, args) {
    need(args, 1, backup);
    const file = args[0]!;
    const bytes = await ctx.client.download("/backup");
    // Written beside its final name and renamed, so an interrupted backup never looks like a whole one.
    const partial = `${file}.partial`;
    try {
      writeFileSync(partial, bytes, { mode: 0o600 });
      renameSync(partial, file);
    } catch (e) {
      rmSync(partial, { force: true });
      throw new AdminError(`Cannot write ${file}: ${(e as Error).message}`);
    }
    show(ctx, { file, bytes: bytes.length }, () => `Backed up to ${file} (${(bytes.length / 1e6).toFixed(1)} MB)`);
  },
};

async function poll<T>(check: () => Promise<T | null>): Promise<T | null> {
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    const result = await check();
    if (result) return result;
    await Bun.sleep(POLL_MS);
  }
  return null;
}
