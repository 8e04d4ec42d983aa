import { need, show, type AdminCommand } from "./command.ts";
import { table, when } from "./output.ts";

// `chat admin accounts`, `password`, `rename` and `delete`: the operator's hand on people's accounts.

interface AccountRow {
  nick: string;
  createdAt: string;
  lastSeen: string | null;
  messages: number;
  banned: boolean;
  lookalikes?: string[];
}

export const accounts: AdminCommand = {
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

export const password: AdminCommand = {
  name: "password",
  args: "<nick> [new-password]",
  help: "Set a user's password, or print a generated one; their sessions and resume tokens end",
  async run(ctx, args) {
    need(args, 1, password);
    const r = await ctx.client.call<{ nick: string; generated?: string }>("POST", "/password", { nick: args[0], ...(args[1] ? { password: args[1] } : {}) });
    show(ctx, r, () => (r.generated ? `New password for ${r.nick}: ${r.generated}` : `Password of ${r.nick} set`));
  },
};

export const rename: AdminCommand = {
  name: "rename",
  args: "<nick> <new-nick>",
  help: "Rename an account; its messages follow it, its sessions end",
  async run(ctx, args) {
    need(args, 2, rename);
    const r = await ctx.client.call<{ from: string; to: string }>("POST", "/rename", { from: args[0], to: args[1] });
    show(ctx, r, () => `Renamed ${r.from} to ${r.to}`);
  },
};

export const remove: AdminCommand = {
  name: "delete",
  args: "<nick> [--purge]",
  help: "Delete an account: its messages stay, from [deleted], or go too with --purge",
  async run(ctx, args) {
    need(args, 1, remove);
    const r = await ctx.client.call<{ nick: string; purged: boolean }>("POST", "/delete", { nick: args[0], purge: ctx.flags.purge === true });
    show(ctx, r, () => `Deleted ${r.nick}${r.purged ? " and every message to or from them" : "; their messages stay, from [deleted]"}`);
  },
};
