import type { Subprocess } from "bun";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { MAIN } from "../../test/e2e/server-process.ts";
import { stopProcess } from "../peers/peer.ts";
import { pin, SERVER_CORE } from "./pin.ts";
import { freePort, waitForPort } from "./ports.ts";

const ENTRY = join(import.meta.dir, "../servers/chat.ts");
export const BENCH_PASSWORD = "bench-password";

export interface ChatServer {
  pid: number;
  tcpPort: number;
  httpPort: number;
  /** Forces a full garbage collection in the server. */
  gc(): void;
  stop(): Promise<void>;
}

let databases = 0;
/** Each PostgreSQL server's migrated database, made once per process (the servers are the run's own, gone with it). */
const templates = new Map<string, Promise<string>>();

/**
 * A migrated database to copy: `chat migrate` is a whole process loading chat (~1 CPU-s), and
 * every server of a run needs the same schema. CREATE DATABASE … TEMPLATE copies it in milliseconds.
 */
function migratedTemplate(pgUrl: string): Promise<string> {
  let made = templates.get(pgUrl);
  if (!made) {
    made = (async () => {
      const database = `bench_${process.pid}_template`;
      const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${database}`);
      await admin.end();
      const url = new URL(pgUrl);
      url.pathname = `/${database}`;
      const dir = mkdtempSync(join(tmpdir(), "chat-bench-migrate-"));
      try {
        const config = join(dir, "chat.json");
        writeFileSync(config, JSON.stringify({ dataDir: join(dir, "data"), database: { url: url.toString() } }));
        const migrate = Bun.spawnSync([process.execPath, MAIN, "migrate", "--config", config]);
        if (migrate.exitCode !== 0) throw new Error(`chat migrate failed: ${migrate.stderr.toString()}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return database;
    })();
    // A failed attempt is made again by the next server, not remembered.
    made.catch(() => templates.delete(pgUrl));
    templates.set(pgUrl, made);
  }
  return made;
}

/** A new database on the benchmark's PostgreSQL server, migrated and empty: its URL. */
async function freshDatabase(pgUrl: string): Promise<URL> {
  const template = await migratedTemplate(pgUrl);
  const database = `bench_${process.pid}_${++databases}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${database} TEMPLATE ${template}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  return url;
}

// As the IRC peers are configured: no per-address caps and no flood penalties, so only the
// server's own code limits it (the load generator is one machine sending as fast as it can).
const BENCH_LIMITS = {
  loginTimeoutSeconds: 3600,
  maxConnectionsPerAddress: 1_000_000,
  connectionsPerAddressPerMinute: 1_000_000,
  messageBurstLines: 1_000_000,
  messagesPerSecond: 1_000_000,
  messageBurstBytes: 1 << 30,
  messageBytesPerSecond: 1 << 30,
  maxConcurrentHashes: 64,
  hashQueueSeconds: 600,
  hashQueuePerAddress: 100_000,
};

/**
 * Our server on a fresh database of the benchmark's PostgreSQL server, pinned to the server core,
 * with `users` accounts b0…b<users-1> ready to log in.
 */
export async function startChat(pgUrl: string, users: number): Promise<ChatServer> {
  const dir = mkdtempSync(join(tmpdir(), "chat-bench-"));
  const url = await freshDatabase(pgUrl);
  const [tcpPort, httpPort] = [freePort(), freePort()];
  const config = join(dir, "chat.json");
  writeFileSync(config, JSON.stringify({
    // Every 127.0.0.x address reaches the server, so clients can spread over many source ports.
    host: "0.0.0.0",
    tcpPort,
    httpPort,
    serverName: "bench",
    dataDir: join(dir, "data"),
    database: { url: url.toString() },
    limits: BENCH_LIMITS,
  }));
  await seedUsers(url.toString(), users);

  const log = openSync(join(dir, "server.log"), "w");
  const proc: Subprocess = Bun.spawn([process.execPath, ...profileFlags(), ENTRY, "serve", "--config", config], { stdout: log, stderr: log });
  pin(proc.pid, SERVER_CORE);
  try {
    await waitForPort(tcpPort, 60);
    await waitForPort(httpPort, 10);
  } catch (e) {
    proc.kill(9);
    throw new Error(`${e}; server log in ${dir}/server.log`);
  }
  return {
    pid: proc.pid,
    tcpPort,
    httpPort,
    gc: () => proc.kill("SIGUSR2"),
    async stop() {
      // Our server shuts down gracefully on SIGTERM, which with thousands of clients takes a while:
      // it gets longer than a peer's two seconds.
      await stopProcess(proc, 15_000);
      const drop = postgres(pgUrl, { max: 1, onnotice: () => {} });
      await drop.unsafe(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`).catch(() => {});
      await drop.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ChatCluster {
  pids: number[];
  tcpPorts: number[];
  /** Resolves once every node has recorded its share of `users` online (a single node: at once). */
  settled(users: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `nodes` servers on one fresh database (clustered when more than one), all pinned to the server
 * core like a single server, with `users` accounts b0…b<users-1> ready to log in on any of them.
 */
export async function startChatCluster(pgUrl: string, users: number, nodes: number): Promise<ChatCluster> {
  const dir = mkdtempSync(join(tmpdir(), "chat-bench-cluster-"));
  const url = await freshDatabase(pgUrl);
  const procs: Subprocess[] = [];
  const tcpPorts: number[] = [];
  const stop = async () => {
    await Promise.all(procs.map((p) => stopProcess(p, 15_000)));
    const drop = postgres(pgUrl, { max: 1, onnotice: () => {} });
    await drop.unsafe(`DROP DATABASE IF EXISTS ${url.pathname.slice(1)} WITH (FORCE)`).catch(() => {});
    await drop.end();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < nodes; i++) {
      const [tcpPort, httpPort] = [freePort(), freePort()];
      const config = join(dir, `node${i}.json`);
      writeFileSync(config, JSON.stringify({
        host: "0.0.0.0", tcpPort, httpPort, serverName: "bench", dataDir: join(dir, `data${i}`),
        database: { url: url.toString() }, limits: BENCH_LIMITS,
        node: { name: `node${i}` }, cluster: { enabled: nodes > 1 },
      }));
      if (i === 0) await seedUsers(url.toString(), users);
      const log = openSync(join(dir, `node${i}.log`), "w");
      const proc: Subprocess = Bun.spawn([process.execPath, ...profileFlags(), ENTRY, "serve", "--config", config], { stdout: log, stderr: log });
      procs.push(proc);
      pin(proc.pid, SERVER_CORE);
      await waitForPort(tcpPort, 60);
      await waitForPort(httpPort, 10);
      tcpPorts.push(tcpPort);
    }
  } catch (e) {
    for (const p of procs) p.kill(9);
    throw new Error(`${e}; server logs in ${dir}`);
  }
  // A node tells the others of each login one at a time (its row in `sessions`, then a NOTIFY):
  // 1,000 logins took longer than the warm-up on this machine, and every "online" line went to
  // every client on the other nodes during the measurement. Steady state is what is measured.
  const settled = async (users: number) => {
    if (nodes === 1) return;
    const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const [row] = await db<{ n: number }[]>`SELECT count(*)::int AS n FROM sessions`;
        if (row!.n >= users) return;
        if (Date.now() > deadline) throw new Error(`cluster: ${row!.n} of ${users} users recorded online after 120 s`);
        await Bun.sleep(100);
      }
    } finally {
      await db.end();
    }
  };
  return { pids: procs.map((p) => p.pid), tcpPorts, settled, stop };
}

/**
 * Accounts made straight in the database with a deliberately cheap argon2id hash: logging in
 * thousands of clients at the real cost (~100 ms each) would take minutes and measure nothing
 * the benchmark is about. Real accounts keep the real cost.
 */
async function seedUsers(url: string, users: number) {
  if (users === 0) return;
  const hash = await Bun.password.hash(BENCH_PASSWORD, { algorithm: "argon2id", memoryCost: 8, timeCost: 1 });
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(
    `INSERT INTO users (nick, nick_key, password_hash) SELECT 'b' || i, 'b' || i, $1 FROM generate_series(0, $2::int - 1) AS i`,
    [hash, users],
  );
  await sql.end();
}

export const benchNicks = (n: number) => Array.from({ length: n }, (_, i) => `b${i}`);

/** BENCH_PROFILE_SERVER=<dir> writes a CPU profile of each server run there (`bun --cpu-prof`). */
function profileFlags() {
  const dir = process.env.BENCH_PROFILE_SERVER;
  return dir ? ["--cpu-prof", "--cpu-prof-dir", dir] : [];
}
