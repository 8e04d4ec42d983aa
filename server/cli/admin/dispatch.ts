// Turns one command line (words and flags) into a call of its subcommand, for the CLI and the console alike.
import { AdminError, type AdminClient } from "./client.ts";
import { ADMIN_COMMANDS, type AdminContext } from "./commands.ts";
import type { Output } from "./output.ts";

export type CommandFlags = { n?: string; follow?: boolean; reset?: boolean; collisions?: boolean; purge?: boolean; yes?: boolean };

export const OPTIONS = {
  config: { type: "string" },
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  // Flags of single commands: log -n N -f, motd --reset.
  n: { type: "string", short: "n" },
  follow: { type: "boolean", short: "f" },
  reset: { type: "boolean" },
  // accounts --collisions, delete --purge, room delete --yes.
  collisions: { type: "boolean" },
  purge: { type: "boolean" },
  yes: { type: "boolean" },
} as const;

/** Runs one command line; errors become one line on stderr. Shared by the CLI and the console. */
export async function runCommand(client: AdminClient, out: Output, words: string[], flags: CommandFlags, signal?: AbortSignal): Promise<number> {
  const [name, ...args] = words;
  const command = ADMIN_COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command "${name}". Try chat admin --help`);
    return 2;
  }
  const lines = flags.n === undefined ? undefined : Number(flags.n);
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 0)) {
    console.error(`-n must be a whole number, not "${flags.n}"`);
    return 2;
  }
  // Only a follow listens for Ctrl-C; anything else stops at the first one, as usual.
  signal ??= flags.follow ? interruptSignal() : new AbortController().signal;
  const ctx: AdminContext = { client, out, signal, flags: { lines, follow: flags.follow, reset: flags.reset, collisions: flags.collisions, purge: flags.purge, yes: flags.yes } };
  try {
    await command.run(ctx, args);
    return 0;
  } catch (e) {
    if (!(e instanceof AdminError)) throw e;
    console.error(e.message);
    return 1;
  }
}

/** Aborts on the first Ctrl-C, which ends `log -f` cleanly. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  return controller.signal;
}
