import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PGlite, type Transaction } from "@electric-sql/pglite";
// Imported as files so `bun build --compile` embeds them: the binary needs no node_modules.
import pgliteWasm from "../../node_modules/@electric-sql/pglite/dist/pglite.wasm" with { type: "file" };
import initdbWasm from "../../node_modules/@electric-sql/pglite/dist/initdb.wasm" with { type: "file" };
import fsBundle from "../../node_modules/@electric-sql/pglite/dist/pglite.data" with { type: "file" };
import type { Store } from "../core/store.ts";
import { needsDatabase, seedDataFolder, tuneDataFolder } from "./seed.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlStore } from "./sql-store.ts";

// A compiled module is immutable and can be instantiated any number of times, so one process
// compiles each once: a second store (a test's, or a restart in place) skips ~0.4 s of compiling.
let compiled: Promise<[WebAssembly.Module, WebAssembly.Module]> | undefined;
const compileWasm = async () => Promise.all([
  WebAssembly.compile(await Bun.file(pgliteWasm).arrayBuffer()),
  WebAssembly.compile(await Bun.file(initdbWasm).arrayBuffer()),
]);

/** PostgreSQL embedded in the process; data under `<dataDir>/pgdata`, or in memory when dataDir is null. */
export async function embeddedStore(dataDir: string | null): Promise<Store> {
  return new SqlStore("embedded", await embeddedClient(dataDir));
}

/** The embedded database as a plain SQL client (the store's, and tests' that set up old schemas). */
export async function embeddedClient(dataDir: string | null): Promise<SqlClient> {
  let dir: string | undefined;
  if (dataDir !== null) {
    dir = join(dataDir, "pgdata");
    // A first start unpacks the database built into the binary; from source, initdb makes one.
    if (!(await seedDataFolder(dir)) && needsDatabase(dir)) await createDataFolder(dir);
  }
  const db = await open(dir);
  return wrap(db, () => db.close());
}

async function open(dir: string | undefined): Promise<PGlite> {
  const [pgliteWasmModule, initdbWasmModule] = await (compiled ??= compileWasm());
  return PGlite.create({ dataDir: dir, pgliteWasmModule, initdbWasmModule, fsBundle: Bun.file(fsBundle) });
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

function wrap(db: PGlite | Transaction, close: () => Promise<void>): SqlClient {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: (fn) => (db as PGlite).transaction((tx) => fn(wrap(tx, close))),
    close,
  };
}
