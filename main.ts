import { parseArgs } from "node:util";
import type { Config } from "./server/config/schema.ts";
import pkg from "./package.json" with { type: "json" };
import { exitWhenWritten } from "./server/cli/exit.ts";
import { StartupError } from "./server/startup/errors.ts";
import { compileEarly } from "./server/store/wasm.ts";

const HELP = `chat ${pkg.version}: a chat server for telnet, nc and the web, with history in PostgreSQL

Usage:
  chat [serve]     run the server (default)
  chat migrate     apply database migrations and exit
  chat healthcheck exit 0 when the server's /healthz says ok (for container health checks)
  chat admin       control a running server (chat admin --help); chat admin backup FILE
  chat restore FILE           bring back a backup into the data folder (server stopped)
  chat copy-store --to URL    copy the embedded store into an empty PostgreSQL database (server stopped)
  chat connect HOST[:PORT]   chat in this terminal, with no telnet needed (chat connect --help)
  chat version     print the version
  chat --help      this text

Options:
  --config PATH    config file (default ./chat.json, or $CHAT_CONFIG)
  --host HOST      address to listen on
  --port N         TCP (telnet/nc) port
  --http-port N    HTTP port
  --data-dir DIR   folder for the embedded database and other data
  --self-signed    turn TLS on with a certificate for localhost made in DIR/tls (a local try)

DATABASE_URL selects a real PostgreSQL server instead of the embedded store.`;

export async function main(argv: string[]): Promise<number> {
  // The admin client has options of its own, so it parses its arguments itself. The clients and the
  // store tools are loaded when asked for: a server's start does not evaluate them (memory).
  if (argv[0] === "admin") return (await import("./server/cli/admin.ts")).adminMain(argv.slice(1));
  if (argv[0] === "connect") return (await import("./server/cli/connect.ts")).connectMain(argv.slice(1));
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
        to: { type: "string" },
        "self-signed": { type: "boolean" },
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
  const takesFile = command === "restore";
  if (!["serve", "migrate", "restore", "copy-store", "healthcheck"].includes(command) || positionals.length > (takesFile ? 2 : 1)) {
    console.error(`Unknown command "${positionals.join(" ")}". Try chat --help`);
    return 2;
  }

  for (const flag of ["port", "http-port"] as const) {
    const value = values[flag];
    if (value !== undefined && (!/^\d{1,5}$/.test(value) || Number(value) > 65535)) {
      console.error(`--${flag} must be a port number from 0 to 65535, not "${value}"`);
      return 2;
    }
  }

  // Everything else is loaded from here on (~0.2 s of evaluating modules), while PostgreSQL's
  // WebAssembly compiles on other threads, unless DATABASE_URL says it will not be needed.
  const embedded = (command === "serve" || command === "migrate") && !process.env.DATABASE_URL;
  if (embedded) compileEarly.start();
  const { ConfigError, loadConfig } = await import("./server/config/load.ts");

  const sources = {
    path: values.config,
    overrides: { host: values.host, tcpPort: values.port, httpPort: values["http-port"], dataDir: values["data-dir"] },
  };
  let config: Config;
  try {
    config = loadConfig(sources);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    return 2;
  }
  // A config file that names a PostgreSQL server: the compiled module is dropped, not kept.
  if (embedded && config.database) compileEarly.forget();

  if (command === "restore") return (await import("./server/cli/store.ts")).restoreMain(config, positionals[1]);
  if (command === "copy-store") return (await import("./server/cli/store.ts")).copyStoreMain(config, values.to);
  if (command === "healthcheck") return (await import("./server/cli/healthcheck.ts")).healthcheck(config);
  const { selfSignedFiles } = await import("./server/tls/files.ts");
  // No HSTS for a self-signed try: it would hold the browser to HTTPS on localhost for a year.
  const selfSigned = (c: typeof config) => (values["self-signed"] ? { ...c, tls: { ...selfSignedFiles(c.dataDir), hsts: false } } : c);
  try {
    config = selfSigned(config);
  } catch (e) {
    return startupFailed(e);
  }

  if (command === "migrate") {
    const { openStore } = await import("./server/serve.ts");
    const store = await openStore(config);
    const applied = await store.migrate();
    await store.close();
    return print(applied ? `Applied ${applied} migration(s)` : "Database is up to date");
  }

  const { runServer } = await import("./server/cli/serve.ts");
  try {
    await runServer(config, () => selfSigned(loadConfig(sources)));
  } catch (e) {
    return startupFailed(e);
  }
  return 0;
}

/** A reason not to start that the operator can fix: one line, exit 2; anything else is a bug and keeps its stack. */
function startupFailed(e: unknown): number {
  if (!(e instanceof StartupError)) throw e;
  console.error(`chat: ${e.message}`);
  return 2;
}

function print(text: string) {
  console.log(text);
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => exitWhenWritten(code),
    (e) => {
      console.error(`chat: ${e instanceof Error ? e.message : e}`);
      exitWhenWritten(1);
    },
  );
}
