import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { ConfigError, loadConfig } from "./config/load.ts";
import { createLogger } from "./logger.ts";
import { openStore, startServer } from "./serve.ts";

const HELP = `chat ${pkg.version}: a chat server for telnet, nc and the web, with history in PostgreSQL

Usage:
  chat [serve]     run the server (default)
  chat migrate     apply database migrations and exit
  chat version     print the version
  chat --help      this text

Options:
  --config PATH    config file (default ./chat.json, or $CHAT_CONFIG)
  --host HOST      address to listen on
  --port N         TCP (telnet/nc) port
  --http-port N    HTTP port
  --data-dir DIR   folder for the embedded database and other data

DATABASE_URL selects a real PostgreSQL server instead of the embedded store.`;

// Stopping must not hang forever on a stuck client or database.
const STOP_DEADLINE_MS = 10_000;

export async function main(argv: string[]): Promise<number> {
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

  let config;
  try {
    config = loadConfig({
      path: values.config,
      overrides: { host: values.host, tcpPort: values.port, httpPort: values["http-port"], dataDir: values["data-dir"] },
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 2;
  }

  const log = createLogger();
  if (command === "migrate") {
    const store = await openStore(config);
    const applied = await store.migrate();
    await store.close();
    return print(applied ? `Applied ${applied} migration(s)` : "Database is up to date");
  }

  const server = await startServer(config, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info("signal", { signal });
      setTimeout(() => {
        log.error("stop took too long; exiting");
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
      server.stop().then(resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
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
