// Scenario 5, persistence: stored messages per second into a real PostgreSQL and into the
// embedded store (PGlite), our group commit against the obvious baseline of one INSERT per message.
import { readFileSync } from "node:fs";
import postgres from "postgres";
import type { Store } from "../../server/core/store.ts";
import type { NewMessage } from "../../server/core/types.ts";
import { MessageWriter } from "../../server/core/writer.ts";
import { embeddedStore } from "../../server/store/pglite.ts";
import { postgresStore } from "../../server/store/postgres.ts";
import { MESSAGES_CHANNEL } from "../../server/store/statements.ts";
import type { SqlClient } from "../../server/store/sql-client.ts";
import { SqlStore } from "../../server/store/sql-store.ts";
import { withTimeout } from "../lib/load.ts";
import { medianRun } from "../lib/median.ts";
import { GENERATOR_CORE, pin, pinTree, SERVER_CORE } from "../lib/pin.ts";
import { descendants, rssBytes, treeCpuSeconds } from "../lib/proc.ts";
import { latencyHistogram, runResult } from "../lib/result.ts";
import { title } from "../lib/scenarios.ts";
import type { Row, RunResult } from "../lib/types.ts";

export interface PersistenceOptions {
  /** Length of the measured window of each run. */
  seconds: number;
  runs: number;
  /** Concurrent producers, each sending its next message as soon as the previous one is stored. */
  producers: number;
  /** A running PostgreSQL (pid of its postmaster), or null to measure the embedded store only. */
  pg: { url: string; pid: number } | null;
  /** Where the embedded store keeps its data (on disk, as in production), or null to measure PostgreSQL only. */
  embeddedDir: string | null;
  /** Pin PostgreSQL and this process to separate cores, and the embedded runs to one core. */
  pinCores?: boolean;
  /** Unmeasured seconds before each run's window; WARMUP_SECONDS unless given (the tests need less). */
  warmupSeconds?: number;
  /**
   * Also measure PostgreSQL as a cluster of each of these node counts (issue 16: insert throughput
   * within 10% of one node's): one clustered store and writer a node, the producers spread over them.
   */
  clusterNodes?: number[];
}

const WARMUP_SECONDS = 1;
const SENDERS = 4;
const TEXT = "a chat message of exactly sixty-four ASCII bytes, for the bench.";
// The baseline is what a chat without group commit would do: one autocommit statement per message.
const INSERT_ONE = `INSERT INTO messages (sender_id, room_id, kind, body) VALUES ($1, $2, 'public', $3) RETURNING id`;

type Mode = "group" | "single";
const SERVER_NAME: Record<Mode, string> = { group: "chat (group commit)", single: "one INSERT per message" };

/** How to read the cost of whatever executes the SQL. */
interface Probe {
  /** CPU-seconds used so far. */
  serverCpu(): number;
  serverRss(): number;
  /** False when the store runs in our process: generator and server are then the same CPU. */
  separateGenerator: boolean;
}

/** A store ready for runs: its raw SQL client, one message per seeded sender, and notes for every run. */
interface PreparedStore extends Probe {
  variant: string;
  store: Store;
  /** A cluster's nodes (`store` is the first): each has its own writer, and producer i uses node i mod N. */
  nodes?: Store[];
  db: SqlClient;
  messages: NewMessage[];
  notes: string[];
}

export async function persistence(opts: PersistenceOptions): Promise<Row[]> {
  const rows: Row[] = [];
  if (opts.pg) {
    const { pid } = opts.pg;
    if (opts.pinCores) {
      pinTree(pid, SERVER_CORE);
      pin(process.pid, GENERATOR_CORE);
    }
    const probe = { serverCpu: () => treeCpuSeconds(pid), serverRss: () => treePssBytes(pid), separateGenerator: true };
    rows.push(...(await measureTarget(opts, "PostgreSQL", postgresStore(opts.pg.url), probe)));
    for (const n of opts.clusterNodes ?? []) rows.push(await measureCluster(opts, opts.pg.url, n, probe));
  }
  if (opts.embeddedDir === null) return rows;
  // PGlite runs inside this process, so the whole benchmark shares the server's one core.
  if (opts.pinCores) pin(process.pid, SERVER_CORE);
  const ownCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  // Read from /proc like every other server's: Bun's process.memoryUsage() has failed with EINTR
  // ("Failed to get memory usage", errno 4) when a signal arrived during the test run.
  const probe = { serverCpu: ownCpu, serverRss: () => rssBytes(process.pid), separateGenerator: false };
  rows.push(...(await measureTarget(opts, "embedded", await embeddedStore(opts.embeddedDir), probe)));
  return rows;
}

async function measureTarget(opts: PersistenceOptions, variant: string, store: Store, probe: Probe): Promise<Row[]> {
  try {
    await store.migrate();
    const target = await prepare(store, probe, variant);
    const runs: Record<Mode, RunResult[]> = { group: [], single: [] };
    // Alternating the two modes spreads any drift of the machine over both rows alike.
    for (let r = 0; r < opts.runs; r++) {
      for (const mode of ["group", "single"] as const) runs[mode].push(await runOnce(target, mode, opts));
    }
    return (["group", "single"] as const).map((mode) => ({
      scenario: title("persistence"),
      variant,
      server: SERVER_NAME[mode],
      clients: opts.producers,
      runs: runs[mode],
      median: medianRun(runs[mode]),
    }));
  } finally {
    await store.close();
  }
}

/** The room and senders the producers use, and the notes every run carries. */
async function prepare(store: Store, probe: Probe, variant: string): Promise<PreparedStore> {
  const db = sqlOf(store);
  const settings = await durability(db);
  const room = await store.ensureRoom("#persistence", null);
  const messages: NewMessage[] = [];
  for (let i = 0; i < SENDERS; i++) {
    const nick = `persist${i}`;
    const user = (await store.findUser(nick)) ?? (await store.createUser(nick, "not-a-real-hash"));
    messages.push({ kind: "public", senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: TEXT });
  }
  const notes = probe.separateGenerator ? [settings] : [settings, "in-process store: serverCpu is the whole benchmark process"];
  return { ...probe, variant, store, db, messages, notes };
}

async function runOnce(t: PreparedStore, mode: Mode, opts: PersistenceOptions): Promise<RunResult> {
  const nodes = t.nodes ?? [t.store];
  // An empty table each run, so no run inserts into bigger indexes than another. The search
  // indexer (sql/009) works during each run, as in a server; it finishes the last run's messages
  // before the next run starts, so no run pays for another's.
  for (const node of nodes) await (node as Partial<SqlStore>).searchIndexer?.settled();
  await t.db.query("TRUNCATE messages, message_search RESTART IDENTITY");
  const writers = nodes.map((node) => new MessageWriter((b) => node.insertMessages(b), () => {}));
  const store = (i: number, m: NewMessage): Promise<unknown> =>
    mode === "group" ? writers[i % writers.length]!.submit(m) : t.db.query(INSERT_ONE, [m.senderId, m.roomId, m.text]);

  const histogram = latencyHistogram();
  // Phases follow the clock as read by the producers, not timers: PGlite answers without real I/O,
  // so a producer's loop can run on promise continuations alone and a timer would never fire.
  const warmup = opts.warmupSeconds ?? WARMUP_SECONDS;
  const t0 = performance.now() + warmup * 1000;
  const end = t0 + opts.seconds * 1000;
  let measuring = false;
  let stopped = false;
  let inWindow = 0;
  let resolved = 0;
  let cpu0 = 0;
  let gen0 = process.cpuUsage();
  let window = { seconds: 0, serverCpu: 0, generatorCpu: 0, rss: 0 };
  const tick = (now: number) => {
    if (!measuring && !stopped && now >= t0) {
      measuring = true;
      cpu0 = t.serverCpu();
      gen0 = process.cpuUsage();
    } else if (measuring && now >= end) {
      measuring = false;
      stopped = true;
      const seconds = (now - t0) / 1000;
      const gen = process.cpuUsage(gen0);
      window = { seconds, serverCpu: (t.serverCpu() - cpu0) / seconds, generatorCpu: (gen.user + gen.system) / 1e6 / seconds, rss: t.serverRss() };
    }
  };
  const producer = async (i: number) => {
    const message = t.messages[i % t.messages.length]!;
    while (!stopped) {
      const start = performance.now();
      await store(i, message);
      const now = performance.now();
      resolved++;
      tick(now);
      if (measuring) {
        inWindow++;
        histogram.recordValue(Math.max(1, Math.round((now - start) * 1000)));
      }
    }
  };
  await withTimeout(Promise.all(Array.from({ length: opts.producers }, (_, i) => producer(i))), warmup + opts.seconds + 30, "producers to finish");
  const { seconds, serverCpu, rss } = window;
  const stored = inWindow;
  // Resolved means stored: every message a producer saw resolve must be in the table.
  const [row] = await t.db.query<{ n: number | string }>("SELECT count(*) AS n FROM messages");
  if (Number(row?.n) !== resolved) throw new Error(`${t.variant} ${mode}: ${resolved} messages resolved but ${row?.n} in the table`);

  // Nothing is fanned out here: a stored message counts once.
  return runResult({
    count: stored, sent: stored, seconds, histogram, serverCpu, rssBytes: rss, notes: t.notes,
    generatorCpu: t.separateGenerator ? window.generatorCpu : null,
  });
}

/**
 * PostgreSQL shared by `n` cluster nodes: each node's batches take the cluster's lock and wake the
 * others (as a clustered server's do), and each node listens for those wake-ups. The nodes' writers
 * run in this process, so what is measured is PostgreSQL's side of a cluster: batches serialised
 * by the lock and notified at commit.
 */
async function measureCluster(opts: PersistenceOptions, url: string, n: number, probe: Probe): Promise<Row> {
  const nodes = Array.from({ length: n }, (_, i) => postgresStore(url, `node${i}`));
  const listeners = nodes.map(() => postgres(url, { max: 1, onnotice: () => {} }));
  const variant = `PostgreSQL, ${n} cluster nodes`;
  try {
    const [first] = nodes;
    await first!.migrate();
    let heard = 0;
    for (const sql of listeners) await sql.listen(MESSAGES_CHANNEL, () => void heard++);
    const t = { ...(await prepare(first!, probe, variant)), nodes };
    const runs: RunResult[] = [];
    for (let r = 0; r < opts.runs; r++) runs.push(await runOnce(t, "group", opts));
    if (heard === 0) throw new Error(`${variant}: no wake-up was heard; the stores did not run clustered`);
    return { scenario: title("persistence"), variant, server: SERVER_NAME.group, clients: opts.producers, runs, median: medianRun(runs) };
  } finally {
    await Promise.all(listeners.map((sql) => sql.end()));
    await Promise.all(nodes.map((node) => node.close()));
  }
}

/** The baseline must use the very same driver and connection pool as the store, so we borrow its client. */
function sqlOf(store: Store): SqlClient {
  if (!(store instanceof SqlStore)) throw new Error(`Not an SQL store: ${store.kind}`);
  return (store as unknown as { db: SqlClient }).db;
}

/** The issue asks for durable commits; a run with synchronous_commit off would measure something else. */
async function durability(db: SqlClient): Promise<string> {
  const [sync] = await db.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
  const [fsync] = await db.query<{ fsync: string }>("SHOW fsync");
  if (sync?.synchronous_commit !== "on") throw new Error(`synchronous_commit is "${sync?.synchronous_commit}", expected "on"`);
  return `synchronous_commit=${sync.synchronous_commit}, fsync=${fsync?.fsync}`;
}

/**
 * Memory of PostgreSQL and its backends. RSS summed over processes would count shared buffers
 * once per backend; PSS shares each page among the processes that map it.
 */
function treePssBytes(pid: number): number {
  return [pid, ...descendants(pid)].reduce((sum, p) => {
    try {
      const kb = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      return sum + (kb ? Number(kb[1]) * 1024 : rssBytes(p));
    } catch {
      return sum;
    }
  }, 0);
}
