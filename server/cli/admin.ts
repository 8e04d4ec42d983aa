import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/load.ts";
import { AdminClient, AdminError } from "./admin/client.ts";
import { ADMIN_COMMANDS } from "./admin/commands.ts";
import { runConsole } from "./admin/console.ts";
import { OPTIONS, runCommand } from "./admin/dispatch.ts";
import { terminalOutput } from "./admin/output.ts";
import { clientToken } from "../admin/token.ts";
import { readAdminUrl } from "../startup/admin-url.ts";

export const ADMIN_HELP = `chat admin: control a running chat server

Usage:
  chat admin [options]                 an interactive console with the same commands
  chat admin [options] <command> [args]

Commands:
${ADMIN_COMMANDS.map((c) => `  ${`${c.name} ${c.args ?? ""}`.padEnd(30)} ${c.help}`).join("\n")}

Options:
  --config PATH   the server's config, for its HTTP port and admin token (default ./chat.json, or $CHAT_CONFIG)
  --url URL       the server to control (default: where the server last said, in <dataDir>/admin.url)
  --token TOKEN   the admin token (default admin.token from the config, else <dataDir>/admin.token)
  --json          print JSON instead of tables
  NO_COLOR=1      no colour`;

/** `chat admin …`: returns the exit status (1 when the server cannot be reached or refuses, 2 for bad usage). */
export async function adminMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    console.error(`${(e as Error).message}. Try chat admin --help`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(ADMIN_HELP);
    return 0;
  }
  let client: AdminClient;
  try {
    client = connect(values);
  } catch (e) {
    if (!(e instanceof ConfigError || e instanceof AdminError)) throw e;
    console.error(e.message);
    return e instanceof ConfigError ? 2 : 1;
  }
  const out = terminalOutput(values.json === true);
  if (positionals.length === 0) return runConsole(client, out);
  return runCommand(client, out, positionals, values);
}

function connect(values: { config?: string; url?: string; token?: string }): AdminClient {
  if (values.url && values.token) return new AdminClient(values.url, values.token);
  const config = loadConfig({ path: values.config });
  const url = values.url ?? readAdminUrl(config);
  let token = values.token;
  if (!token) {
    try {
      token = clientToken(config);
    } catch (e) {
      throw new AdminError((e as Error).message);
    }
  }
  return new AdminClient(url, token);
}
