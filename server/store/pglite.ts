import { existsSync, fdatasyncSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import type { Store } from "../core/store.ts";
import { lockDataDir } from "./data-lock.ts";
import { needsDatabase, seedDataFolder, tuneDataFolder } from "./seed.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlStore } from "./sql-store.ts";
import { compiled, fsBundle, initdbWasm, pgliteWasm } from "./wasm.ts";

/** PostgreSQL embedded in the process; data under `<dataDir>/pgdata`, or in memory when dataDir is null. */
export async function embeddedStore(dataDir: string | null): Promise<Store> {
  return new SqlStore("embedded", await embeddedClient(dataDir));
}

/** The embedded database as a plain SQL client (the store's, and tests' that set up old schemas). */
export async function embeddedClient(dataDir: string | null): Promise<SqlClient> {
  let dir: string | undefined;
  let lock: { release(): void } | undefined;
  if (dataDir !== null) {
    dir = join(dataDir, "pgdata");
    mkdirSync(dataDir, { recursive: true });
    // Before PGlite reads a byte: a second process on the folder would lose what either writes.
    lock = lockDataDir(dataDir);
  }
  try {
    // Compiling PostgreSQL's WebAssembly takes the longest part of a start, on threads of its own:
    // begun first, it runs while a first start unpacks the database.
    compiled(pgliteWasm).catch(() => {});
    // A first start unpacks the database built into the binary; from source, initdb makes one.
    if (dir !== undefined && !(await seedDataFolder(dir)) && needsDatabase(dir)) await createDataFolder(dir);
    const db = await open(dir, dir !== undefined);
    return wrap(db, async () => {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    });
  } catch (e) {
    lock?.release();
    throw e;
  }
}

// Durability. PGlite starts PostgreSQL with -F (fsync off), and its Emscripten NODEFS has no fsync
// of its own, so a commit reached the page cache only: a power cut could lose acknowledged
// messages. Without -F, with wal_sync_method=fsync (the one that reaches Emscripten's fd_sync;
// fdatasync and open_datasync take other paths that do nothing), and with an fsync for NODEFS's
// files that calls fdatasync(2), a COMMIT returns only once its WAL is on disk, as on a real
// server. Group commit keeps it to one fdatasync per batch of messages.

/** PGlite's own start parameters, without -F, and with the WAL synced through fd_sync. */
export function durableStartParams(): string[] {
  return [...PGlite.defaultStartParams.filter((p) => p !== "-F"), "-c", "fsync=on", "-c", "wal_sync_method=fsync"];
}

type NodeFs = { stream_ops: Record<string, unknown>; tryFSOperation<T>(f: () => T): T };

/** Gives NODEFS's files an fsync that really syncs (fdatasync; the WAL's size is data too). */
function syncToDisk(db: PGlite) {
  const nodefs = (db.Module as unknown as { NODEFS: NodeFs }).NODEFS;
  // Every NODEFS file shares this one stream_ops object, so this covers files opened later too.
  // An error becomes an errno (EIO, ENOSPC…) for PostgreSQL, which then refuses the commit.
  nodefs.stream_ops.fsync = (stream: { nfd: number }) => {
    nodefs.tryFSOperation(() => fdatasyncSync(stream.nfd));
    return 0;
  };
}

/** `durable`: commits wait for the disk (see durableStartParams); a scratch folder being made does not need to. */
async function open(dir: string | undefined, durable = false): Promise<PGlite> {
  const pgliteWasmModule = await compiled(pgliteWasm);
  const initdbWasmModule = dir === undefined || needsDatabase(dir) ? await compiled(initdbWasm) : undefined;
  const db = await PGlite.create({
    dataDir: dir, pgliteWasmModule, fsBundle: Bun.file(fsBundle), ...(initdbWasmModule ? { initdbWasmModule } : {}),
    ...(durable ? { startParams: durableStartParams() } : {}),
  });
  if (durable) syncToDisk(db);
  return db;
}

/** Runs initdb beside `dir` and renames the result into place, so a start stopped half-way leaves no half-made database. */
async function createDataFolder(dir: string): Promise<void> {
  const scratch = `${dir}.creating`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await (await open(scratch)).close();
  tuneDataFolder(scratch);
  if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  renameSync(scratch, dir);
}

// Each query leaves garbage behind (~2 KiB a stored message, much of it PGlite's protocol buffers)
// that does not bring JavaScriptCore's next collection nearer: under a steady stream of messages,
// Bun 1.4 let the process grow to ~1 GiB before collecting (bench/memory/embedded-rss.ts). A quick
// collection at most every PACE_MS while queries run keeps it to a few hundred MiB.
const PACE_MS = 50;
let collected = 0;
function paceCollections() {
  const now = performance.now();
  if (now - collected < PACE_MS) return;
  collected = now;
  Bun.gc(false);
}

function wrap(db: PGlite | Transaction, close: () => Promise<void>): SqlClient {
  return {
    query: async <T>(text: string, params: unknown[] = []) => {
      const { rows } = await db.query<T>(text, params);
      paceCollections();
      return rows;
    },
    exec: async (script) => {
      await db.exec(script);
      paceCollections();
    },
    transaction: (fn) => (db as PGlite).transaction((tx) => fn(wrap(tx, close))),
    close,
    snapshot: () => snapshot(db as PGlite),
  };
}

// Backups. PGlite runs one query at a time and dumps its folder between two, so the tarball is the
// folder as at one commit; a checkpoint first means a restore replays little WAL. The chat waits
// only while the files are read (2–2.5 s for a fresh 40 MB folder on a busy 2-core machine), and is
// not stopped.

/** The data folder as a gzipped tarball: `chat admin backup`. */
async function snapshot(db: PGlite): Promise<Blob> {
  await db.exec("CHECKPOINT");
  return db.dumpDataDir("gzip");
}

/** Makes `<dataDir>/pgdata` from a snapshot: `chat restore`. The folder must not have a database yet. */
export async function restoreSnapshot(dataDir: string, tarball: Blob): Promise<void> {
  const dir = join(dataDir, "pgdata");
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, pgliteWasmModule: await compiled(pgliteWasm), fsBundle: Bun.file(fsBundle), loadDataDir: tarball });
  // Checked by opening it: a tarball that is not a database fails here, not at the next start.
  await db.query("SELECT 1 FROM schema_migrations LIMIT 1");
  await db.close();
}

