// The embedded store's first start. Creating a PostgreSQL data folder from nothing runs initdb
// inside WebAssembly: 8-29 s and about 1 GiB of memory. The release binary instead carries a
// migrated data folder made at build time (packSeed) and unpacks it natively (~0.5 s).
// PGlite's own loadDataDir writes the same files through its emulated filesystem and took 8-15 s
// here, so the seed is a plain gzipped tar read by Bun.Archive.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The name the seed has inside the binary; build.ts embeds a file of this name. */
export const SEED_NAME = "pgdata-seed.tar.gz";
// A tar made from an object of files holds no empty folders, and PostgreSQL needs its own.
const DIRS_FILE = ".seed-dirs";

/** True when `pgdata` holds no database yet, so the next open must create one. */
export function needsDatabase(pgdata: string): boolean {
  return !existsSync(join(pgdata, "PG_VERSION"));
}

/** The seed compiled into this executable, or undefined when running from source. */
export function builtInSeed(): Blob | undefined {
  // Bun may add a content hash to an embedded file's name: pgdata-seed-1a2b3c.tar.gz.
  const [stem] = SEED_NAME.split(".");
  return Bun.embeddedFiles.find((f) => basename((f as File).name ?? "").startsWith(stem!));
}

/** Packs a closed, migrated PGlite data folder into `outFile` (at build time). */
export async function packSeed(pgdata: string, outFile: string): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  const dirs: string[] = [];
  for (const rel of (readdirSync(pgdata, { recursive: true }) as string[]).sort()) {
    const path = join(pgdata, rel);
    if (statSync(path).isDirectory()) dirs.push(rel);
    else files[rel] = readFileSync(path);
  }
  files[DIRS_FILE] = new TextEncoder().encode(dirs.join("\n"));
  await Bun.Archive.write(outFile, files, { compress: "gzip" });
}

/**
 * Unpacks `seed` as the data folder `pgdata`, which must not hold a database. It is written beside
 * its place and renamed, so a start stopped half-way (Ctrl-C) leaves no half-made database.
 */
export async function unpackSeed(seed: Blob, pgdata: string): Promise<void> {
  mkdirSync(dirname(pgdata), { recursive: true });
  const scratch = `${pgdata}.unpacking`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await new Bun.Archive(await seed.bytes()).extract(scratch);
  for (const dir of readFileSync(join(scratch, DIRS_FILE), "utf8").split("\n")) {
    if (dir) mkdirSync(join(scratch, dir), { recursive: true });
  }
  rmSync(join(scratch, DIRS_FILE));
  tuneDataFolder(scratch);
  // An empty folder may stand where the database goes; anything in it is left alone (rename fails).
  if (existsSync(pgdata) && readdirSync(pgdata).length === 0) rmdirSync(pgdata);
  try {
    renameSync(scratch, pgdata);
  } catch (e) {
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
}

// PostgreSQL's default 128 MB of shared buffers is all touched at start inside PGlite's WebAssembly
// memory: 279 MiB RSS after start, 149 MiB with 8 MB. The files themselves stay in the kernel's page
// cache, so a chat's working set does not need them. 8 MB rather than 16 takes 9 MiB off the RSS
// after start. Shared memory is also sized for max_connections backends (100 by default), though
// PGlite runs exactly one: 5 (more than the 3 superuser_reserved_connections) takes 3-4 MiB off.
// Set in postgresql.auto.conf of a new data folder only; an operator may change it there (ALTER
// SYSTEM writes the same file).
const TUNING = "# chat: a small buffer pool keeps the embedded database's memory low (server/store/seed.ts)\nshared_buffers = '8MB'\nmax_connections = 5\n";

/** Gives a newly made data folder chat's settings. */
export function tuneDataFolder(pgdata: string): void {
  const file = join(pgdata, "postgresql.auto.conf");
  // The built-in seed was tuned when it was made: unpacking it must not add the lines again.
  if (existsSync(file) && readFileSync(file, "utf8").includes(TUNING)) return;
  appendFileSync(file, TUNING);
}

/**
 * Gives an empty `pgdata` the built-in database; false when there is none (running from source:
 * PGlite then runs initdb) or the folder already holds one.
 */
export async function seedDataFolder(pgdata: string, seed = builtInSeed()): Promise<boolean> {
  if (!seed || !needsDatabase(pgdata)) return false;
  await unpackSeed(seed, pgdata);
  return true;
}
