import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startPgServer, type PgServer } from "../test/pg-server.ts";
import { allowInstalling, ensurePackage } from "./lib/apt.ts";
import { allowPinning, pinTree, SERVER_CORE } from "./lib/pin.ts";
import { CLI_NAMES, SCENARIOS, title, type ScenarioName } from "./lib/scenarios.ts";
import type { Row } from "./lib/types.ts";
import { chart } from "./report/chart.ts";
import { writeReport, type Machine } from "./report/markdown.ts";
import { runPlan } from "./scenarios/fanout.ts";
import { idle } from "./scenarios/idle.ts";
import { persistence } from "./scenarios/persistence.ts";
import { startup } from "./scenarios/startup.ts";
import * as t from "./scenarios/targets.ts";

// `npm run bench`: every scenario side by side with its peers, on one machine, in one run.

export interface BenchOptions {
  only: string[];
  runs: number;
  /** The cluster scenario's node counts (default 1, 2 and 3). */
  nodes?: number[];
  /** Tiny sizes and short windows: the test suite's check that nothing has rotted. */
  quick: boolean;
  /** Where the report and chart go; null writes nothing. */
  docsDir: string | null;
  log(line: string): void;
  /** A migrated embedded data folder for the startup scenario's binary, instead of running initdb (tests). */
  seedFrom?: string;
  /** A running PostgreSQL to use and leave running (the tests share one), instead of a durable one of its own. */
  pg?: PgServer;
}

export async function runBench(o: BenchOptions): Promise<Row[]> {
  const pg = o.pg ?? (await postgres());
  const env = { pgUrl: pg.url, pgPid: pg.pid };
  pinTree(env.pgPid, SERVER_CORE);
  const q = o.quick;
  const window = { runs: o.runs, warmupSeconds: q ? 0.1 : 2, measureSeconds: q ? 0.3 : 5, log: o.log };
  const rows: Row[] = [];
  const want = (s: ScenarioName) => o.only.includes(s);
  try {
    if (want("tcp")) {
      const targets = [t.chatTcp(env), t.ngircd, t.inspircd];
      rows.push(...(await runPlan({ scenario: title("tcp"), sizes: q ? [5] : [100, 1000], targets, ...window })));
    }
    if (want("ws")) {
      const targets = [t.chatWs(env), t.bunPublish, t.bunPublishSized, t.nodeWs];
      rows.push(...(await runPlan({ scenario: title("ws"), sizes: q ? [5] : [100, 1000], targets, ...window })));
    }
    if (want("latency")) {
      const targets = [t.chatTcp(env), t.chatWs(env), t.ngircd, t.bunPublish];
      rows.push(...(await runPlan({
        scenario: title("latency"), sizes: q ? [5] : [1000], targets, deliveriesPerSec: q ? 500 : 100_000,
        ...window, warmupSeconds: q ? 0.1 : 3, measureSeconds: q ? 0.3 : 10,
      })));
    }
    if (want("idle")) {
      const max = maxConnections();
      const steps = q ? [0, 20, 40] : [0, 2500, 5000, 7500, 10_000, ...[15_000, 20_000, 30_000, 40_000, 50_000].filter((n) => n < max), ...(max < 50_000 ? [max] : [])];
      if (max < 50_000) o.log(`idle: this machine allows ${max} connections per process (ulimit -Hn ${hardFileLimit()}), not 50,000`);
      rows.push(...(await idle({ steps, runs: q ? 1 : o.runs, tcp: t.chatTcp(env), ws: t.chatWs(env), perGenerator: 9000, settleMs: q ? 100 : undefined, log: o.log })));
    }
    if (want("cluster")) {
      // The latency load (a fixed rate) on 1, 2 and 3 nodes sharing one PostgreSQL: deliveries/s,
      // p99 from send on one node to receipt on another, and messages stored per second.
      const memory = q ? null : await inMemoryPostgres();
      try {
        const clusterEnv = memory ? { pgUrl: memory.url, pgPid: memory.pid } : env;
        const targets = (o.nodes ?? [1, 2, 3]).map((n) => t.chatCluster(clusterEnv, n));
        const cluster = await runPlan({
          scenario: title("cluster"), sizes: q ? [6] : [1000], targets, deliveriesPerSec: q ? 500 : 100_000,
          ...window, warmupSeconds: q ? 0.1 : 3, measureSeconds: q ? 0.3 : 10,
        });
        if (memory) for (const row of cluster) row.median.notes = [...(row.median.notes ?? []), IN_MEMORY_NOTE];
        rows.push(...cluster);
      } finally {
        await memory?.stop();
      }
    }
    if (want("persistence")) {
      const dir = mkdtempSync(join(tmpdir(), "chat-bench-embedded-"));
      try {
        // The writer's batch is about as large as the number of producers. On the 2-core test
        // machine 300 producers paid ~25% more PostgreSQL CPU per message (a batch's round trip and
        // WAL flush shared by fewer messages) and stored ~40% less; 3,000 stored no more than 1,000
        // and quadrupled the median latency. 1,000 clients typing flat out is also a plausible busy chat.
        rows.push(...(await persistence({
          seconds: q ? 0.3 : 5, runs: o.runs, producers: q ? 20 : 1000, pg, embeddedDir: dir, pinCores: true,
          // Insert throughput of a cluster (issue 16), beside one node's.
          clusterNodes: q ? [] : (o.nodes ?? [1, 2, 3]).filter((n) => n > 1),
        })));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    if (want("startup")) {
      rows.push(...(await startup({ runs: q ? 1 : Math.max(o.runs, 5), seedFrom: o.seedFrom, log: o.log })));
    }
  } finally {
    if (!o.pg) await pg.stop();
  }
  const date = new Date().toISOString().slice(0, 10);
  for (const row of rows) row.date = date;
  if (o.docsDir) {
    const all = mergeRows(previousRows(join(o.docsDir, "benchmarks.json")), rows);
    writeFileSync(join(o.docsDir, "benchmarks.json"), JSON.stringify({ machine: machine(), rows: all }, null, 2) + "\n");
    writeFileSync(join(o.docsDir, "benchmarks.svg"), chart(all));
    writeReport(join(o.docsDir, "BENCHMARKS.md"), all, machine());
  }
  return rows;
}

function previousRows(path: string): Row[] {
  // A report that cannot be read must stop the run: treating it as empty would erase every
  // scenario not run this time.
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, "utf8")) as { rows: Row[] }).rows;
}

/** A scenario run again replaces its old rows; the scenarios not run this time keep theirs. */
export function mergeRows(old: Row[], fresh: Row[]): Row[] {
  const rerun = new Set(fresh.map((r) => r.scenario));
  const kept = [...old.filter((r) => !rerun.has(r.scenario)), ...fresh];
  // A scenario missing from the list goes last, not first.
  const order = (r: Row) => {
    const i = SCENARIOS.findIndex((s) => s.title === r.scenario);
    return i === -1 ? SCENARIOS.length : i;
  };
  return kept.map((r, i) => ({ r, i })).sort((a, b) => order(a.r) - order(b.r) || a.i - b.i).map(({ r }) => r);
}

/** A durable PostgreSQL (fsync and synchronous_commit on), installing the server when it is missing and installing is allowed. */
async function postgres(): Promise<PgServer> {
  const first = await startPgServer({ durable: true }).catch(() => null);
  if (first) return first;
  ensurePackage("postgresql");
  const pg = await startPgServer({ durable: true });
  if (!pg) throw new Error("PostgreSQL is installed but its server binaries (initdb, pg_ctl) were not found; set PG_BIN");
  return pg;
}

// Measured 2026-12-03 on this machine's disk: an fdatasync every 10 ms for 60 s took over 10 ms
// 41 times (28 of them 30-350 ms), about 5% of the time, and a message committed then waits for it.
// With the data on disk, one stall more or less in a 10 s window moved a row's p99 between 30 and
// 170 ms, whatever the node count; the cluster rows compare node counts, so their PostgreSQL keeps
// its data in memory (fsync and synchronous_commit still on: the same statements and WAL flushes).
// The latency scenario measures the disk.
const IN_MEMORY_NOTE = "PostgreSQL's data in memory (tmpfs)";

/** A durable-settings PostgreSQL whose data folder is in /dev/shm, pinned like the other; null where there is no /dev/shm. */
async function inMemoryPostgres(): Promise<PgServer | null> {
  if (!existsSync("/dev/shm")) return null;
  const pg = await startPgServer({ durable: true, parent: "/dev/shm" });
  if (pg) pinTree(pg.pid, SERVER_CORE);
  return pg;
}

function hardFileLimit(): number {
  const r = spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" });
  return r.stdout.trim() === "unlimited" ? 1 << 20 : Number(r.stdout.trim());
}

/** Connections one process may hold: its file limit, less room for the store, logs and listeners. */
function maxConnections(): number {
  return Math.min(50_000, Math.floor((hardFileLimit() - 300) / 1000) * 1000);
}

function machine(): Machine {
  const kernel = spawnSync("uname", ["-sr"], { encoding: "utf8" }).stdout.trim();
  return {
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel,
    bun: Bun.version,
    node: spawnSync("node", ["--version"], { encoding: "utf8" }).stdout.trim(),
    fileLimit: hardFileLimit(),
    date: new Date().toISOString().slice(0, 10),
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      only: { type: "string", default: CLI_NAMES.join(",") },
      runs: { type: "string", default: "3" },
      quick: { type: "boolean", default: false },
      // The cluster scenarios (latency, and persistence's cluster rows) on fewer node counts, e.g. --nodes 1,2.
      nodes: { type: "string", default: "1,2,3" },
      // A --quick run only checks that nothing has rotted: it writes no report unless asked to.
      out: { type: "string" },
    },
  });
  const only = values.only!.split(",");
  const unknown = only.filter((s) => !CLI_NAMES.includes(s));
  if (unknown.length) {
    console.error(`bench: unknown scenario ${unknown.join(", ")}; choose from ${CLI_NAMES.join(", ")}`);
    process.exit(2);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench: --runs must be a whole number of at least 1, not ${values.runs}`);
    process.exit(2);
  }
  const nodes = values.nodes!.split(",").map(Number);
  if (nodes.some((n) => !Number.isInteger(n) || n < 1 || n > 9)) {
    console.error(`bench: --nodes takes node counts from 1 to 9 separated by commas, not ${values.nodes}`);
    process.exit(2);
  }
  // A full run may change the machine: install its peers and PostgreSQL, and pin to cores. A
  // --quick run, like the tests, only uses what is installed and pins nothing.
  if (!values.quick) {
    allowInstalling();
    allowPinning();
  }
  const started = performance.now();
  const docsDir = values.out ?? (values.quick ? null : join(import.meta.dir, "../docs"));
  await runBench({ only, runs, nodes, quick: values.quick!, docsDir, log: (l) => console.log(l) });
  console.log(`bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; ${docsDir ? `results in ${docsDir}/BENCHMARKS.md` : "no report written (--quick)"}`);
  process.exit(0);
}
