import { AdminError, type AdminClient } from "./client.ts";
import type { Output } from "./output.ts";

// The shape of a `chat admin` subcommand and the helpers every one uses; the commands themselves
// are in commands.ts (server, users, moderation, accounts) and rooms.ts.

export interface AdminContext {
  client: AdminClient;
  out: Output;
  /** Ends `log -f` (Ctrl-C). */
  signal: AbortSignal;
  flags: { lines?: number; follow?: boolean; reset?: boolean; collisions?: boolean; purge?: boolean; yes?: boolean };
}

/** One `chat admin` subcommand; the console's help comes from the same entries. */
export interface AdminCommand {
  name: string;
  args?: string;
  help: string;
  run(ctx: AdminContext, args: string[]): Promise<void>;
}

export const show = (ctx: AdminContext, data: unknown, text: () => string) => ctx.out.line(ctx.out.json ? JSON.stringify(data, null, 2) : text());
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function need(args: string[], min: number, command: AdminCommand) {
  if (args.length < min) throw new AdminError(`Usage: chat admin ${command.name} ${command.args ?? ""}`.trimEnd());
}

