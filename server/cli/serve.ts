import { accessSync, constants, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../core/errors.ts";
import type { Log } from "../core/log.ts";
import type { AdminControl } from "../admin.ts";
import { applyConfig } from "../admin/reload.ts";
import { ConfigError } from "../config/load.ts";
import type { Config } from "../config/schema.ts";
import { LogFile } from "../log/log-file.ts";
import { createLogger, stdoutOutput } from "../log/logger.ts";
import { startServer, type RunningServer } from "../serve.ts";
import { builtInSeed, needsDatabase } from "../store/seed.ts";
import { addresses, bannerText } from "../startup/addresses.ts";
import { StartupError } from "../startup/errors.ts";

type Next = { action: "stop" } | { action: "restart"; config: Config };

/**
 * Runs the server until SIGINT, SIGTERM or `chat admin stop`. `chat admin restart` stops it and
 * starts it again in this process with the config re-read, on the same ports unless the config
 * changed them. `reread` loads the config from the same sources as at the start.
 */
export async function runServer(first: Config, reread: () => Config): Promise<void> {
  let started = first;
  let effective = first;
  // A request that comes while no server is running (mid-restart) waits for the next one.
  let pending: Next | null = null;
  let waiting: ((next: Next) => void) | null = null;
  const wake = (next: Next) => {
    if (!waiting) {
      pending ??= next;
      return;
    }
    const resolve = waiting;
    waiting = null;
    resolve(next);
  };
  let log: Log = createLogger();
  const signal = (name: string) => {
    log.info("signal", { signal: name });
    wake({ action: "stop" });
  };
  let reload: () => Promise<unknown> = async () => {};
  let handling = false;
  // Until the first start is done the signals keep their default action, so Ctrl-C stops at once
  // even while WebAssembly keeps the event loop busy (a first start, long migrations). Nothing
  // is half-made by it: a seeded database is renamed into place whole, and PostgreSQL recovers.
  const handleSignals = () => {
    if (handling) return;
    handling = true;
    process.on("SIGINT", () => signal("SIGINT"));
    process.on("SIGTERM", () => signal("SIGTERM"));
    process.on("SIGHUP", () => {
      log.info("signal", { signal: "SIGHUP" });
      reload().catch((e) => log.error("reload failed", { error: (e as Error).message }));
    });
  };

  for (;;) {
    prepareDataDir(effective);
    const logFile = new LogFile(join(effective.dataDir, "logs"), effective.log.maxBytes, effective.log.files);
    log = createLogger([stdoutOutput, logFile]);
    let live = effective;
    const control: AdminControl = {
      stop: () => wake({ action: "stop" }),
      prepareRestart: () => readConfig(reread),
      restart: (config) => wake({ action: "restart", config }),
      reload: async () => {
        const next = readConfig(reread);
        const report = await applyConfig(server.hub.operator, live, started, next);
        // Certificates are read again even when the config names the same files: they were renewed.
        const tls = next.tls && server.reloadTls(next.tls);
        if (tls) {
          report.needsRestart = report.needsRestart.filter((k) => k !== "tls");
          report.applied.push(tls);
        }
        live = next;
        log.info("reloaded", { ...report });
        return report;
      },
    };
    reload = control.reload;
    const server: RunningServer = await startServer(effective, log, { logFile, control, configMotd: () => live.motd, tell, ready: handleSignals });
    if (!handling && process.stdout.isTTY) {
      process.stderr.write(`\n${bannerText(effective, addresses(effective, server))}\n\n`);
    }
    handleSignals();
    const next = pending ?? (await new Promise<Next>((resolve) => (waiting = resolve)));
    pending = null;
    // Stopping must not hang forever on a stuck client or database.
    const deadline = setTimeout(() => {
      log.error("stop took too long; exiting");
      process.exit(1);
    }, live.limits.stopDeadlineSeconds * 1000);
    const stopping = performance.now();
    await server.stop({ restarting: next.action === "restart" });
    clearTimeout(deadline);
    if (next.action === "stop") return;
    // A port the config leaves as it was is the one the server had, even if that was a random one (port 0).
    effective = {
      ...next.config,
      tcpPort: next.config.tcpPort === started.tcpPort ? server.tcpPort : next.config.tcpPort,
      httpPort: next.config.httpPort === started.httpPort ? server.httpPort : next.config.httpPort,
    };
    started = next.config;
    log.info("restarting", { stoppedInMs: Math.round(performance.now() - stopping) });
  }
}

const tell = (line: string) => process.stderr.write(`chat: ${line}\n`);

function readConfig(reread: () => Config): Config {
  try {
    return reread();
  } catch (e) {
    if (e instanceof ConfigError) throw fail("bad_config", { message: e.message });
    throw e;
  }
}

/**
 * Makes the data folder, or says in one line why it cannot be used; and says on stderr when the
 * start will be slow because the embedded database is being created.
 */
function prepareDataDir(config: Config): void {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new StartupError(`Cannot write to the data folder ${config.dataDir} (${code}); choose another with --data-dir or dataDir`);
  }
  const pgdata = join(config.dataDir, "pgdata");
  if (!config.database && needsDatabase(pgdata)) {
    const how = builtInSeed() ? "from the copy built into chat" : "with initdb, which takes 10-30 s (a release binary has it built in)";
    process.stderr.write(`chat: first start: creating the database in ${pgdata} ${how}\n`);
  }
}
