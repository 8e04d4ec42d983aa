import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Config } from "./config/schema.ts";
import { CommandError, fail, NotFoundError } from "./core/errors.ts";
import type { Log } from "./core/log.ts";
import type { Operator } from "./core/operator.ts";
import type { LogFile } from "./log/log-file.ts";
import { say } from "./render/i18n/index.ts";
import { secretsMatch } from "./secrets/data-secret.ts";

/** What only the process that runs the server can do; absent when the server runs embedded in tests. */
export interface AdminControl {
  /** Reads and checks the config a restart would start with; a bad one is a CommandError. */
  prepareRestart(): Config;
  restart(config: Config): void;
  stop(): void;
  /** Re-reads the config and applies what can change live. */
  reload(): Promise<ReloadReport>;
}

export interface ReloadReport {
  applied: string[];
  needsRestart: string[];
}

export interface AdminDeps {
  operator: Operator;
  token: string;
  allowRemote: boolean;
  /** The config's MOTD, which `motd --reset` goes back to. */
  configMotd(): string[];
  log: Log;
  version: string;
  logFile?: LogFile;
  control?: AdminControl;
}

/** Bun passes its server as the fetch handler's second argument, which Hono exposes as c.env. */
type Env = { Bindings: { requestIP?(req: Request): { address: string } | null; timeout?(req: Request, seconds: number): void } | undefined };

const nickBody = z.strictObject({ nick: z.string().min(1), reason: z.string().default("") });
const banBody = nickBody.extend({ seconds: z.number().int().positive().nullable().default(null) });
const textBody = z.strictObject({ text: z.string() });
const passwordBody = z.strictObject({ nick: z.string().min(1), password: z.string().optional() });
const renameBody = z.strictObject({ from: z.string().min(1), to: z.string().min(1) });
const deleteBody = z.strictObject({ nick: z.string().min(1), purge: z.boolean().default(false) });
const accountsQuery = z.object({ pattern: z.string().max(64).default(""), collisions: z.enum(["0", "1"]).default("0") });
const motdBody = z.strictObject({ text: z.string().nullable() });
const roomsQuery = z.object({ pattern: z.string().max(64).default("") });
const roomBody = z.strictObject({ room: z.string().min(1).max(64) });
/** How many log lines `log` shows when not told; the CLI's default and help say the same. */
export const DEFAULT_LOG_LINES = 50;

const logQuery = z.object({ n: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_LOG_LINES), follow: z.enum(["0", "1"]).default("0") });

// Answers for a caller that is not let in; they say nothing about the server.
const UNAUTHORIZED = { error: "Unauthorized" };
const LOOPBACK_ONLY = { error: "The admin API answers only on loopback" };

/** The `/admin/` HTTP API that `chat admin` calls. Every call is logged, let in or not. */
export function adminApi(deps: AdminDeps) {
  const { operator, log } = deps;
  const { moderation } = operator;
  const app = new Hono<Env>();
  const streams = new Set<() => void>();

  app.use("*", async (c, next) => {
    const remote = remoteAddress(c);
    const call = { method: c.req.method, path: c.req.path, remote };
    if (!deps.allowRemote && !isLoopback(remote)) {
      log.warn("admin refused", { ...call, reason: "not loopback" });
      return c.json(LOOPBACK_ONLY, 403);
    }
    const bearer = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!bearer || !secretsMatch(bearer, deps.token)) {
      log.warn("admin refused", { ...call, reason: bearer ? "wrong token" : "no token" });
      c.header("WWW-Authenticate", 'Bearer realm="chat admin"');
      return c.json(UNAUTHORIZED, 401);
    }
    await next();
    // No keep-alive: a connection left open would keep answering from a server that is stopping.
    c.header("Connection", "close");
    log.info("admin", { ...call, status: c.res.status });
  });

  app.onError((e, c) => {
    // The operator's tools speak English.
    if (e instanceof CommandError) return c.json({ error: say("en", e.notice), code: e.code }, e instanceof NotFoundError ? 404 : 400);
    if (e instanceof z.ZodError) {
      const issue = e.issues[0]!;
      return c.json({ error: `Bad request: ${issue.path.join(".") || "body"}: ${issue.message}` }, 400);
    }
    log.error("admin failed", { path: c.req.path, error: String(e) });
    return c.json({ error: "The server failed to do that; see its log" }, 500);
  });

  app.get("/status", async (c) => c.json({ version: deps.version, ...(await operator.status()) }));
  app.get("/users", (c) => c.json({ users: operator.onlineSessions() }));
  app.get("/nodes", async (c) => c.json({ nodes: await operator.nodes() }));

  app.post("/backup", async (c) => {
    const started = performance.now();
    const tarball = await operator.backup();
    log.info("backup taken", { bytes: tarball.size, ms: Math.round(performance.now() - started) });
    return c.body(await tarball.arrayBuffer(), 200, { "content-type": "application/gzip" });
  });

  app.post("/kick", async (c) => {
    const { nick, reason } = nickBody.parse(await body(c));
    const sessions = moderation.kick(nick, reason);
    log.info("kicked", { nick, reason, sessions });
    return c.json({ nick, sessions });
  });

  app.post("/ban", async (c) => {
    const { nick, reason, seconds } = banBody.parse(await body(c));
    const until = seconds === null ? null : new Date(Date.now() + seconds * 1000);
    const result = await moderation.ban(nick, until, reason, "admin");
    log.info("banned", { nick: result.ban.nick, until: result.ban.until, reason: result.ban.reason, kicked: result.kicked });
    return c.json(result);
  });

  app.post("/unban", async (c) => {
    const { nick } = nickBody.parse(await body(c));
    await moderation.unban(nick);
    log.info("unbanned", { nick });
    return c.json({ nick });
  });

  app.get("/bans", async (c) => c.json({ bans: await moderation.activeBans() }));

  app.post("/password", async (c) => {
    const { nick, password } = passwordBody.parse(await body(c));
    const r = await operator.accountAdmin.setPassword(nick, password);
    log.info("password set by admin", { nick: r.nick, generated: r.generated !== undefined });
    return c.json(r);
  });

  app.post("/rename", async (c) => {
    const { from, to } = renameBody.parse(await body(c));
    const r = await operator.accountAdmin.rename(from, to);
    log.info("account renamed", r);
    return c.json(r);
  });

  app.post("/delete", async (c) => {
    const { nick, purge } = deleteBody.parse(await body(c));
    const r = await operator.accountAdmin.remove(nick, purge);
    log.info("account deleted", r);
    return c.json(r);
  });

  app.get("/accounts", async (c) => {
    const { pattern, collisions } = accountsQuery.parse(c.req.query());
    return c.json({ accounts: await operator.accounts(pattern, collisions === "1") });
  });

  app.get("/rooms", async (c) => {
    const { pattern } = roomsQuery.parse(c.req.query());
    return c.json({ rooms: await operator.rooms.list(pattern) });
  });

  app.post("/room/delete", async (c) => {
    const { room } = roomBody.parse(await body(c));
    const r = await operator.rooms.remove(room);
    log.info("room deleted", r);
    return c.json(r);
  });

  app.post("/announce", async (c) => {
    const { text } = textBody.parse(await body(c));
    const reached = moderation.announce(text);
    log.info("announced", { text, reached });
    return c.json({ reached });
  });

  app.get("/motd", async (c) => c.json(await operator.motd()));
  app.put("/motd", async (c) => {
    const { text } = motdBody.parse(await body(c));
    const motd = await operator.setMotd(text, deps.configMotd());
    const source = text === null ? "config" : "admin";
    log.info("motd set", { motd, source });
    return c.json({ motd, source });
  });

  app.get("/log", (c) => {
    const { n, follow } = logQuery.parse(c.req.query());
    const file = deps.logFile;
    if (!file) throw fail("no_log_file");
    const last = n > 0 ? file.tail(n) : [];
    if (follow === "0") return c.json({ lines: last });
    // A follower may wait long for the next line; the HTTP idle timeout must not cut it off.
    c.env?.timeout?.(c.req.raw, 0);
    const encoder = new TextEncoder();
    let end = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const line of last) controller.enqueue(encoder.encode(line + "\n"));
        const unfollow = file.follow((line) => controller.enqueue(encoder.encode(line + "\n")));
        end = () => {
          unfollow();
          streams.delete(end);
          try {
            controller.close();
          } catch {
            // Already closed by the client going away.
          }
        };
        streams.add(end);
      },
      cancel: () => end(),
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
  });

  app.post("/reload", async (c) => c.json(await control(deps).reload()));
  app.post("/restart", (c) => {
    const ctl = control(deps);
    // Read now, so a bad config is refused in this answer while the server keeps running.
    const config = ctl.prepareRestart();
    afterAnswer(log, "restart", () => ctl.restart(config));
    return c.json({ restarting: true });
  });
  app.post("/stop", (c) => {
    const ctl = control(deps);
    afterAnswer(log, "stop", () => ctl.stop());
    return c.json({ stopping: true });
  });

  return {
    app,
    /** Ends `log -f` streams, which would otherwise keep the HTTP server from stopping. */
    close() {
      for (const end of [...streams]) end();
    },
  };
}

/** Runs `action` once this answer is on its way: stopping waits for it, then the listeners close. */
function afterAnswer(log: Log, name: string, action: () => void) {
  setTimeout(() => {
    try {
      action();
    } catch (e) {
      log.error("admin failed", { action: name, error: String(e) });
    }
  }, 0);
}

function control(deps: AdminDeps): AdminControl {
  if (!deps.control) throw fail("no_control");
  return deps.control;
}

async function body(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw fail("bad_request", { detail: "the body must be JSON" });
  }
}

function remoteAddress(c: Context<Env>): string | null {
  return c.env?.requestIP?.(c.req.raw)?.address ?? null;
}

function isLoopback(address: string | null): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}
