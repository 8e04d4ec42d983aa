import type { NodeInfo } from "../../core/cluster-link.ts";
import type { ServerStatus, SessionInfo } from "../../core/operator.ts";
import { prettyLine, printable, type LogRecord } from "../../log/logger.ts";
import { DEFAULT_LOG_LINES } from "../../admin.ts";
import { accounts, password, remove, rename } from "./accounts.ts";
import { need, plural, show, type AdminCommand } from "./command.ts";
import { formatDuration } from "./duration.ts";
import { backup, reload, restart, stop } from "./lifecycle.ts";
import { ban, bans, kick, unban } from "./moderation.ts";
import { fields, table, when } from "./output.ts";
import { room, rooms } from "./rooms.ts";

export type { AdminCommand, AdminContext } from "./command.ts";

// The subcommands that read the server's state (status, users, nodes, log) and speak to its users
// (announce, motd), and the list of all of them; the rest are in accounts, moderation, rooms and lifecycle.

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

/** Every subcommand, in the order help lists them. */
export const ADMIN_COMMANDS: AdminCommand[] = [status, users, nodes, accounts, password, rename, remove, rooms, room, kick, ban, unban, bans, announce, motd, log, reload, backup, restart, stop];

/** A JSON log line as a person reads it; anything else as it is, but with its control characters escaped. */
function readable(line: string): string {
  try {
    return prettyLine(JSON.parse(line) as LogRecord);
  } catch {
    return printable(line);
  }
}
