import type { Ban } from "../../core/types.ts";
import { AdminError } from "./client.ts";
import { need, plural, show, type AdminCommand } from "./command.ts";
import { looksLikeDuration, parseDuration } from "./duration.ts";
import { table, when } from "./output.ts";

// `chat admin kick`, `ban`, `unban` and `bans`: keeping someone out, for a while or until unbanned.

export const kick: AdminCommand = {
  name: "kick",
  args: "<nick> [reason]",
  help: "Disconnect a user, telling them and their room why",
  async run(ctx, args) {
    need(args, 1, kick);
    const r = await ctx.client.call<{ nick: string; sessions: number }>("POST", "/kick", { nick: args[0], reason: args.slice(1).join(" ") });
    show(ctx, r, () => `Kicked ${r.nick} (${plural(r.sessions, "session")} closed)`);
  },
};

export const ban: AdminCommand = {
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

export const unban: AdminCommand = {
  name: "unban",
  args: "<nick>",
  help: "Lift a ban",
  async run(ctx, args) {
    need(args, 1, unban);
    const r = await ctx.client.call<{ nick: string }>("POST", "/unban", { nick: args[0] });
    show(ctx, r, () => `Unbanned ${r.nick}`);
  },
};

export const bans: AdminCommand = {
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
