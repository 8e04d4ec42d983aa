// Throwaway real PostgreSQL server for integration tests: initdb + pg_ctl on a
// fresh temp folder and a free 127.0.0.1 port, torn down by stop().
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "./e2e/server-process.ts";

export interface PgServer {
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's process id (first line of postmaster.pid), e.g. to pin or measure it. */
  pid: number;
  stop(): Promise<void>;
  /** An outage: `pg_ctl stop -m fast` (sessions are ended, the data stays). */
  pause(): Promise<void>;
  /** The server back on the same port and data after pause(). */
  resume(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;
const hasBins = (dir: string) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"));

/** PG_BIN, then the newest Debian-style /usr/lib/postgresql/N/bin, then pg_config, then PATH. */
function findBinDir(): string | null {
  if (process.env.PG_BIN) return hasBins(process.env.PG_BIN) ? process.env.PG_BIN : null;
  try {
    const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => parseFloat(b) - parseFloat(a));
    for (const v of versions) if (hasBins(`/usr/lib/postgresql/${v}/bin`)) return `/usr/lib/postgresql/${v}/bin`;
  } catch {}
  const cfg = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (cfg.status === 0 && hasBins(cfg.stdout.trim())) return cfg.stdout.trim();
  const onPath = Bun.which("initdb");
  return onPath && hasBins(dirname(onPath)) ? dirname(onPath) : null;
}

/** initdb/pg_ctl refuse to run as root, so as root we run them as the `postgres` OS user. */
function command(argv: string[]): [string, string[]] {
  if (!isRoot) return [argv[0], argv.slice(1)];
  if (existsSync("/usr/sbin/runuser") || Bun.which("runuser")) return ["runuser", ["-u", "postgres", "--", ...argv]];
  const quoted = argv.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
  return ["su", ["postgres", "-s", "/bin/sh", "-c", quoted]];
}

/** Runs to exit. Resolves on 'exit', not 'close': the postmaster pg_ctl forks must not keep us waiting. */
function run(argv: string[]): Promise<{ code: number | null; output: string }> {
  const [cmd, args] = command(argv);
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (e) => resolve({ code: -1, output: output + String(e) }));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

const logTail = (file: string) => {
  try { return readFileSync(file, "utf8").split("\n").slice(-30).join("\n"); } catch { return "(no server log)"; }
};

// Servers still running; the exit hook stops them so a crashed test run leaves nothing behind.
const live = new Map<string, string>(); // dataDir -> pg_ctl path
let hooked = false;
function killAllSync() {
  for (const [dataDir, pgCtl] of live) {
    const [cmd, args] = command([pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w"]);
    spawnSync(cmd, args, { stdio: "ignore" });
    rmSync(dataDir, { recursive: true, force: true });
  }
  live.clear();
}

/**
 * Why startPgServer cannot run here (no server binaries; as root, no `postgres` OS user), or null
 * when it can. Tests skip on it through test/needs.ts.
 */
export function postgresMissing(): string | null {
  if (!findBinDir()) return "no PostgreSQL server binaries (initdb, pg_ctl) were found; set PG_BIN or `apt-get install postgresql`";
  if (isRoot && spawnSync("id", ["-u", "postgres"]).status !== 0)
    return "running as root needs the `postgres` OS user to run initdb/pg_ctl; `apt-get install postgresql` creates it";
  return null;
}

/** Starts initdb + pg_ctl on a fresh temp folder and a free port on 127.0.0.1. Returns null when PostgreSQL cannot run here (postgresMissing) and REQUIRE_POSTGRES is not "1"; throws a clear Error when REQUIRE_POSTGRES=1 and it cannot, or when it fails to start. */
export async function startPgServer(options: { durable?: boolean; parent?: string } = {}): Promise<PgServer | null> {
  const missing = postgresMissing();
  if (missing) {
    if (process.env.REQUIRE_POSTGRES === "1") throw new Error(`REQUIRE_POSTGRES=1 but ${missing}`);
    return null;
  }
  const binDir = findBinDir()!;
  const initdb = join(binDir, "initdb"), pgCtl = join(binDir, "pg_ctl");

  // /tmp (os.tmpdir()) is world-traversable, so the postgres user can reach the folder.
  const dataDir = mkdtempSync(join(options.parent ?? tmpdir(), "pg-test-"));
  const logFile = join(dataDir, "log");
  const fail = (step: string, output: string): never => {
    const log = logTail(logFile);
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`PostgreSQL ${step} failed (${binDir}):\n${output.trim()}\n--- server log tail ---\n${log}`);
  };
  if (isRoot) {
    const chown = spawnSync("chown", ["-R", "postgres:", dataDir], { encoding: "utf8" });
    if (chown.status !== 0) fail("chown", chown.stderr ?? "");
  }

  const init = await run([initdb, "-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  if (init.code !== 0) fail("initdb", init.output);

  const port = freePort();
  // Unix socket goes in the data dir so parallel servers never collide on /var/run/postgresql.
  // Tests trade durability for speed; a benchmark of persistence must not.
  const durability = options.durable ? "-c fsync=on -c synchronous_commit=on" : "-c fsync=off";
  const opts = `-p ${port} -k "${dataDir}" -c listen_addresses=127.0.0.1 ${durability} -c max_connections=200`;
  live.set(dataDir, pgCtl);
  if (!hooked) { hooked = true; process.on("exit", killAllSync); }
  const start = await run([pgCtl, "start", "-D", dataDir, "-w", "-t", "30", "-l", logFile, "-o", opts]);
  if (start.code !== 0) {
    live.delete(dataDir);
    await run([pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w"]); // in case it half-started
    fail("start", start.output);
  }

  // pg_ctl -w returns once the server accepts connections, so postmaster.pid is written by now.
  const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    pid,
    async pause() {
      const r = await run([pgCtl, "stop", "-D", dataDir, "-m", "fast", "-w"]);
      if (r.code !== 0) throw new Error(`pg_ctl stop failed: ${r.output}`);
    },
    async resume() {
      const r = await run([pgCtl, "start", "-D", dataDir, "-w", "-t", "30", "-l", logFile, "-o", opts]);
      if (r.code !== 0) throw new Error(`pg_ctl start failed: ${r.output}\n${logTail(logFile)}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      live.delete(dataDir);
      await run([pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w"]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
