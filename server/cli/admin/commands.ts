import { renameSync, rmSync, writeFileSync } from "node:fs";
import type { Ban } from "../../core/types.ts";
import type { NodeInfo } from "../../core/cluster-link.ts";
import type { ServerStatus, SessionInfo } from "../../core/operator.ts";
import { prettyLine, printable, type LogRecord } from "../../log/logger.ts";
import { DEFAULT_LOG_LINES, type ReloadReport } from "../../admin.ts";
import { AdminError } from "./client.ts";
import { need, plural, show, type AdminCommand, type AdminContext } from "./command.ts";
import { formatDuration, looksLikeDuration, parseDuration } from "./duration.ts";
import { fields, table, when } from "./output.ts";
import { room, rooms } from "./rooms.ts";

export type { AdminCommand, AdminContext } from "./command.ts";

// How long `restart` and `stop` wait to see the server come back or go away.
const WAIT_MS = 30_000;
const POLL_MS = 100;

const status: AdminCommand = {
  name: "status",
  help: "Uptime, version, store health, connections, users online, rooms and message rate",
  async run(ctx) {
    const s = await ctx.client.call<ServerStatus & { version: string }>("GET", "/status");
    show(ctx, s, () => fields(ctx.out, [
      ["server", `chat ${s.version} at ${ctx.client.url}`],
      ["node", s.nodes > 1 ? `${s.node} (one of ${s.nodes} nodes)` : s.node],
      ["uptime", `${formatDuration(s.uptimeSeconds)} (since ${when(s.startedAt)})`],
      ["store", `${s.store.kind}, ${s.store.healthy ? "healthy" : `DOWN since ${when(s.store.since)}: ${s.store.error}`}`],
      ["connections", connectionCount(s.connections)],
      ["users online", String(s.usersOnline)],
      ...(s.cluster ? [["cluster", clusterLine(s.cluster)] as [string, string]] : []),
      ["rooms", `${s.rooms.total} (${s.rooms.occupied} with users)`],
      ["messages", `${s.messagesStored ?? "?"} stored, ${s.messagesPerSecond}/s over the last minute`],
    ]));
  },
};

/** Connections by transport as one figure: "7 (tcp 3, ws 4)". */
function connectionCount(connections: Record<string, number>): string {
  const total = Object.values(connections).reduce((a, b) => a + b, 0);
  return `${total} (${Object.entries(connections).map(([t, n]) => `${t} ${n}`).join(", ") || "-"})`;
}

/** Every node together: "2 nodes, 5 users online, 7 connections (tcp 3, ws 4)". */
function clusterLine({ nodes, usersOnline, connections }: NonNullable<ServerStatus["cluster"]>): string {
  return `${nodes} nodes, ${usersOnline} users online, ${connectionCount(connections).replace(" ", " connections ")}`;
}

const users: AdminCommand = {
  name: "users",
  help: "Online users with status, room, transport, address and connected-since",
  async run(ctx) {
    const { users } = await ctx.client.call<{ users: SessionInfo[] }>("GET", "/users");
    const now = new Date();
    show(ctx, users, () => users.length === 0 ? "Nobody is online" : table(ctx.out,
      ["NICK", "STATUS", "ROOM", "TRANSPORT", "ADDRESS", "CONNECTED"],
      users.map((u) => [u.nick, u.status + (u.note ? ` (${u.note})` : ""), u.room ?? "-", u.transport, u.remote, when(u.connectedAt, now)]),
    ));
  },
};

const nodes: AdminCommand = {
  name: "nodes",
  help: "The live nodes sharing the database, with their users, connections and last heartbeat",
  async run(ctx) {
    const { nodes } = await ctx.client.call<{ nodes: NodeInfo[] }>("GET", "/nodes");
    const now = new Date();
    show(ctx, nodes, () => table(ctx.out,
      ["NODE", "USERS", "CONNECTIONS", "STARTED", "HEARTBEAT"],
      nodes.map((n) => [
        n.name, String(n.users),
        connectionCount(n.connections),
        when(n.startedAt, now), when(n.heartbeatAt, now),
      ]),
    ));
  },
};

const kick: AdminCommand = {
  name: "kick",
  args: "<nick> [reason]",
  help: "Disconnect a user, telling them and their room why",
  async run(ctx, args) {
    need(args, 1, kick);
    const r = await ctx.client.call<{ nick: string; sessions: number }>("POST", "/kick", { nick: args[0], reason: args.slice(1).join(" ") });
    show(ctx, r, () => `Kicked ${r.nick} (${plural(r.sessions, "session")} closed)`);
  },
};

const ban: AdminCommand = {
  name: "ban",
  args: "<nick> [duration] [reason]",
  help: "Refuse a user's logins for a time (30m, 12h, 7d, 2w) or until unban, kicking them if online",
  async run(ctx, args) {
    need(args, 1, ban);
    const seconds = args[1] === undefined ? null : parseDuration(args[1]);
    // Refused rather than taken as a reason: "5x" would otherwise ban until unban.
    if (seconds === null && args[1] !== undefined && looksLikeDuration(args[1])) {
      throw new AdminError(`Bad duration "${args[1]}": a number and s, m, h, d or w, such as 30m, 7d or 1d2h (10 years at most). Usage: chat admin ${ban.name} ${ban.args}`);
    }
    const reason = args.slice(seconds === null ? 1 : 2).join(" ");
    const r = await ctx.client.call<{ ban: Ban; kicked: number }>("POST", "/ban", { nick: args[0], seconds, reason });
    const until = r.ban.until ? `until ${when(r.ban.until)}` : "until unbanned";
    const kicked = r.kicked ? `; ${plural(r.kicked, "session")} kicked` : "";
    show(ctx, r, () => `Banned ${r.ban.nick} ${until}${r.ban.reason ? ` (${r.ban.reason})` : ""}${kicked}`);
  },
};

const unban: AdminCommand = {
  name: "unban",
  args: "<nick>",
  help: "Lift a ban",
  async run(ctx, args) {
    need(args, 1, unban);
    const r = await ctx.client.call<{ nick: string }>("POST", "/unban", { nick: args[0] });
    show(ctx, r, () => `Unbanned ${r.nick}`);
  },
};

const bans: AdminCommand = {
  name: "bans",
  help: "Bans in force",
  async run(ctx) {
    const { bans } = await ctx.client.call<{ bans: Ban[] }>("GET", "/bans");
    show(ctx, bans, () => bans.length === 0 ? "No bans" : table(ctx.out,
      ["NICK", "UNTIL", "REASON", "BY", "SINCE"],
      bans.map((b) => [b.nick, b.until ? when(b.until) : "unbanned", b.reason || "-", b.createdBy, when(b.createdAt)]),
    ));
  },
};

const announce: AdminCommand = {
  name: "announce",
  args: "<text>",
  help: "A system message to everyone online",
  async run(ctx, args) {
    need(args, 1, announce);
    const r = await ctx.client.call<{ reached: number }>("POST", "/announce", { text: args.join(" ") });
    show(ctx, r, () => `Announced to ${plural(r.reached, "session")}`);
  },
};

const motd: AdminCommand = {
  name: "motd",
  args: "[text | --reset]",
  help: "Show the message of the day, or set it (kept in the store, shown at the next login); --reset goes back to the config's",
  async run(ctx, args) {
    const set = args.length > 0 || ctx.flags.reset;
    const r = set
      ? await ctx.client.call<{ motd: string[]; source: string }>("PUT", "/motd", { text: ctx.flags.reset ? null : args.join(" ").replaceAll("\\n", "\n") })
      : await ctx.client.call<{ motd: string[]; source: string }>("GET", "/motd");
    const from = r.source === "admin" ? "set with chat admin" : "from the config";
    show(ctx, r, () => `${set ? "MOTD is now" : "MOTD"} (${from}):\n${r.motd.map((l) => `  ${l}`).join("\n")}`);
  },
};

const log: AdminCommand = {
  name: "log",
  args: "[-n N] [-f]",
  help: `The last N log lines (default ${DEFAULT_LOG_LINES}), or follow new ones until Ctrl-C`,
  async run(ctx) {
    const n = ctx.flags.lines ?? DEFAULT_LOG_LINES;
    const print = (line: string) => ctx.out.line(ctx.out.json ? line : readable(line));
    if (!ctx.flags.follow) {
      const { lines } = await ctx.client.call<{ lines: string[] }>("GET", `/log?n=${n}`);
      for (const l of lines) print(l);
      return;
    }
    for await (const line of ctx.client.follow(n, ctx.signal)) print(line);
  },
};

const reload: AdminCommand = {
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

const restart: AdminCommand = {
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

const stop: AdminCommand = {
  name: "stop",
  help: "Tell users, store every accepted message, close the store and exit; waits until the server is gone",
  async run(ctx) {
    await ctx.client.call("POST", "/stop");
    const gone = await poll(async () => (await ctx.client.call("GET", "/status").then(() => false, () => true)) || null);
    if (!gone) throw new AdminError(`The server at ${ctx.client.url} is still answering after ${WAIT_MS / 1000} s; see its log`);
    show(ctx, { stopped: true }, () => "Stopped");
  },
};

const backup: AdminCommand = {
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

interface AccountRow {
  nick: string;
  createdAt: string;
  lastSeen: string | null;
  messages: number;
  banned: boolean;
  lookalikes?: string[];
}

const accounts: AdminCommand = {
  name: "accounts",
  args: "[pattern] [--collisions]",
  help: "Accounts whose nick contains pattern: created, last seen, messages, banned; --collisions lists only look-alikes",
  async run(ctx, args) {
    const collisions = ctx.flags.collisions === true;
    const pattern = args.join(" ");
    const query = new URLSearchParams({ pattern, collisions: collisions ? "1" : "0" });
    const { accounts: rows } = await ctx.client.call<{ accounts: AccountRow[] }>("GET", `/accounts?${query}`);
    const headers = ["NICK", "CREATED", "LAST SEEN", "MESSAGES", "BANNED", ...(collisions ? ["LOOKS LIKE"] : [])];
    show(ctx, rows, () => rows.length === 0 ? (collisions ? "No look-alike accounts" : "No accounts") : table(ctx.out, headers,
      rows.map((a) => [a.nick, when(a.createdAt), a.lastSeen ? when(a.lastSeen) : "never", String(a.messages), a.banned ? "yes" : "no",
        ...(collisions ? [(a.lookalikes ?? []).join(", ")] : [])]),
    ));
  },
};

const password: AdminCommand = {
  name: "password",
  args: "<nick> [new-password]",
  help: "Set a user's password, or print a generated one; their sessions and resume tokens end",
  async run(ctx, args) {
    need(args, 1, password);
    const r = await ctx.client.call<{ nick: string; generated?: string }>("POST", "/password", { nick: args[0], ...(args[1] ? { password: args[1] } : {}) });
    show(ctx, r, () => (r.generated ? `New password for ${r.nick}: ${r.generated}` : `Password of ${r.nick} set`));
  },
};

const rename: AdminCommand = {
  name: "rename",
  args: "<nick> <new-nick>",
  help: "Rename an account; its messages follow it, its sessions end",
  async run(ctx, args) {
    need(args, 2, rename);
    const r = await ctx.client.call<{ from: string; to: string }>("POST", "/rename", { from: args[0], to: args[1] });
    show(ctx, r, () => `Renamed ${r.from} to ${r.to}`);
  },
};

const remove: AdminCommand = {
  name: "delete",
  args: "<nick> [--purge]",
  help: "Delete an account: its messages stay, from [deleted], or go too with --purge",
  async run(ctx, args) {
    need(args, 1, remove);
    const r = await ctx.client.call<{ nick: string; purged: boolean }>("POST", "/delete", { nick: args[0], purge: ctx.flags.purge === true });
    show(ctx, r, () => `Deleted ${r.nick}${r.purged ? " and every message to or from them" : "; their messages stay, from [deleted]"}`);
  },
};

/** Every subcommand, in the order help lists them. */
export const ADMIN_COMMANDS: AdminCommand[] = [status, users, nodes, accounts, password, rename, remove, rooms, room, kick, ban, unban, bans, announce, motd, log, reload, backup, restart, stop];

async function poll<T>(check: () => Promise<T | null>): Promise<T | null> {
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    const result = await check();
    if (result) return result;
    await Bun.sleep(POLL_MS);
  }
  return null;
}

/** A JSON log line as a person reads it; anything else as it is, but with its control characters escaped. */
function readable(line: string): string {
  try {
    return prettyLine(JSON.parse(line) as LogRecord);
  } catch {
    return printable(line);
  }
}
