import { parseArgs } from "node:util";
import pkg from "./package.json" with { type: "json" };
import { ConfigError, loadConfig } from "./server/config/load.ts";
import { adminMain } from "./server/cli/admin.ts";
import { connectMain } from "./server/cli/connect.ts";
import { runServer } from "./server/cli/serve.ts";
import { openStore } from "./server/serve.ts";

const HELP = `chat ${pkg.version}: a chat server for telnet, nc and the web, with history in PostgreSQL

Usage:
  chat [serve]     run the server (default)
  chat migrate     apply database migrations and exit
  chat admin       control a running server (chat admin --help)
  chat connect HOST[:PORT]   chat in this terminal, with no telnet needed (chat connect --help)
  chat version     print the version
  chat --help      this text

Options:
  --config PATH    config file (default ./chat.json, or $CHAT_CONFIG)
  --host HOST      address to listen on
  --port N         TCP (telnet/nc) port
  --http-port N    HTTP port
  --data-dir DIR   folder for the embedded database and other data

DATABASE_URL selects a real PostgreSQL server instead of the embedded store.`;

export async function main(argv: string[]): Promise<number> {
  // The admin client has options of its own, so it parses its arguments itself.
  if (argv[0] === "admin") return adminMain(argv.slice(1));
  if (argv[0] === "connect") return connectMain(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "http-port": { type: "string" },
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}. Try chat --help`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? "serve";
  if (values.help || command === "help") return print(HELP);
  if (values.version || command === "version") return print(`chat ${pkg.version}`);
  if (!["serve", "migrate"].includes(command) || positionals.length > 1) {
    console.error(`Unknown command "${positionals.join(" ")}". Try chat --help`);
    return 2;
  }

  const sources = {
    path: values.config,
    overrides: { host: values.host, tcpPort: values.port, httpPort: values["http-port"], dataDir: values["data-dir"] },
  };
  let config;
  try {
    config = loadConfig(sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 2;
  }

  if (command === "migrate") {
    const store = await openStore(config);
    const applied = await store.migrate();
    await store.close();
    return print(applied ? `Applied ${applied} migration(s)` : "Database is up to date");
  }

  await runServer(config, () => loadConfig(sources));
  return 0;
}

function print(text: string) {
  console.log(text);
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(`chat: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}
