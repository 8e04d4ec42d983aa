// A migrated embedded-store (PGlite) data folder, made once and copied for every test that needs a
// fresh one. A first open of an empty folder runs initdb inside WebAssembly (~7-9 s on a 2-core
// machine); copying the template's pgdata (~40 MB) and opening it takes ~1 s.
//
// Only pgdata is copied: the admin token, secrets and logs are still made by each server's own
// first start. Two servers must never share a PGlite folder, so every caller gets its own copy.
// Creating a database from nothing is still covered: by building the template here, and by the
// binary test, which lets dist/chat make its own.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Store } from "../server/core/store.ts";
import { embeddedStore } from "../server/store/pglite.ts";

const ROOT = join(import.meta.dir, "..");
/**
 * Kept across runs (`npm ci` clears it). Always on disk, never in a temp folder of the run: bun test
 * fires no process "exit" event, so nothing could remove that folder when the run ends.
 */
const CACHE = join(ROOT, "node_modules", ".cache");
const PREFIX = "chat-test-template-";

function pgliteVersion(): string {
  return JSON.parse(readFileSync(join(ROOT, "node_modules/@electric-sql/pglite/package.json"), "utf8")).version;
}

/** The initdb-only template's name: PGlite's version and chat's tuning of a new folder (seed.ts). */
function emptyName(): string {
  const tuning = createHash("sha256").update(readFileSync(join(ROOT, "server/store/seed.ts"))).digest("hex").slice(0, 8);
  return `${PREFIX}empty-${pgliteVersion()}-${tuning}`;
}

/** Whatever decides the template's contents: every migration, chat's tuning and the PGlite (so PostgreSQL) version. */
function templateKey(): string {
  const hash = createHash("sha256");
  hash.update(`pglite ${pgliteVersion()}\n`);
  // migrations.ts decides which files are applied; sql/ holds them; seed.ts tunes a new folder.
  for (const file of ["server/store/migrations.ts", "server/store/seed.ts", ...readdirSync(join(ROOT, "sql")).sort().map((f) => `sql/${f}`)]) {
    hash.update(`${file}\n`).update(readFileSync(join(ROOT, file))).update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Makes a data folder at `dir` (which must not exist yet) without ever leaving a half-made one
 * there: `start` (if given) is copied in first, then the store is opened (initdb when there is
 * no database yet) and, with `migrate`, migrated.
 */
async function build(dir: string, { start, migrate }: { start?: string; migrate: boolean }): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  // Built beside its final place and renamed, so another test process never sees a half-made folder.
  const scratch = mkdtempSync(join(CACHE, `.${PREFIX}building-`));
  try {
    if (start) cpSync(join(start, "pgdata"), join(scratch, "pgdata"), { recursive: true });
    const store = await embeddedStore(scratch);
    try {
      if (migrate) await store.migrate();
    } finally {
      await store.close();
    }
    renameSync(scratch, dir);
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    // Another process finished first: theirs is as good as ours.
    if (!existsSync(dir)) throw e;
  }
}

/** A template unused for this long belongs to no checkout still being tested. */
const STALE_TEMPLATE_MS = 24 * 3600_000;

/**
 * The migrated template is made from the empty one, so a clean checkout runs initdb once for
 * both (the upgrade test starts from the empty one: below every migration).
 */
async function makeTemplate(empty: boolean): Promise<string> {
  const name = empty ? emptyName() : PREFIX + templateKey();
  const dir = join(CACHE, name);
  if (existsSync(dir)) return dir;
  await build(dir, empty ? { migrate: false } : { start: await emptyTemplateDir(), migrate: true });
  // Templates of older migrations or PGlite versions are never used again (40 MB each), but one
  // made in the last day may be another checkout's that shares this node_modules (a worktree on
  // another branch, running its tests now): deleting it would pull it from under that run.
  for (const old of readdirSync(CACHE)) {
    // The empty template stays: the next change to sql/ is made from it.
    if (!old.startsWith(PREFIX) || old === name || old === emptyName()) continue;
    const path = join(CACHE, old);
    if (Date.now() - statSync(path).mtimeMs > STALE_TEMPLATE_MS) rmSync(path, { recursive: true, force: true });
  }
  return dir;
}

/** A template made at most once per process; one that failed is tried again at the next call. */
function once(make: () => Promise<string>): () => Promise<string> {
  let made: Promise<string> | undefined;
  return () => (made ??= make().catch((e) => {
    made = undefined;
    throw e;
  }));
}

/** The template data folder (it holds `pgdata`). */
export const templateDir = once(() => makeTemplate(false));
/** A data folder made by initdb alone: a database with no migration applied. */
const emptyTemplateDir = once(() => makeTemplate(true));

/**
 * Gives `dataDir` a migrated embedded database by copying the template's, unless it already has
 * one (a server started again on the same folder must find its own data, not a fresh copy).
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const target = join(dataDir, "pgdata");
  if (existsSync(target)) return;
  cpSync(join(await templateDir(), "pgdata"), target, { recursive: true });
}

/** A new temporary folder holding a migrated embedded database. */
export async function freshDataDir(prefix = "chat-test-"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await seedDataDir(dir);
  return dir;
}

/**
 * A new temporary folder holding an embedded database with no migration applied, as initdb left
 * it: for tests that build an old release's schema and upgrade it. Without this copy each would
 * run initdb (~10 s of CPU).
 */
export async function emptyDataDir(prefix = "chat-empty-"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(await emptyTemplateDir(), "pgdata"), join(dir, "pgdata"), { recursive: true });
  return dir;
}

/**
 * An opened, migrated embedded store on its own copy of the template, for unit tests: what
 * `embeddedStore(null)` + `migrate()` gives, without paying initdb. Its folder goes on close().
 */
export async function embeddedTestStore(): Promise<Store> {
  const dir = await freshDataDir("chat-store-");
  let store: Store;
  try {
    store = await embeddedStore(dir);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const close = store.close.bind(store);
  store.close = async () => {
    try {
      await close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return store;
}
