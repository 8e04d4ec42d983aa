import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import { copyStore } from "../store/copy.ts";
import { embeddedClient, restoreSnapshot } from "../store/pglite.ts";
import { postgresClient } from "../store/postgres.ts";

// `chat restore` and `chat copy-store`: run with the server stopped, on the config's data folder.
// Each returns the exit status; what went wrong is one line on stderr.

/** A server of this config answering on its HTTP port: the folder is in use. */
async function serverRunning(config: Config): Promise<boolean> {
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  try {
    await fetch(`http://${host}:${config.httpPort}/healthz`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/** `chat restore FILE`: a `chat admin backup` file becomes `<dataDir>/pgdata`; an existing one is moved aside, not deleted. */
export async function restoreMain(config: Config, file: string | undefined): Promise<number> {
  if (!file) return failed("Usage: chat restore FILE (a file written by chat admin backup)");
  if (config.database) return failed("chat restore brings back the embedded store; restore a real PostgreSQL server with pg_restore or psql");
  if (!existsSync(file)) return failed(`No such file: ${file}`);
  if (await serverRunning(config)) return failed(`A server is running on port ${config.httpPort}; stop it first (chat admin stop)`);
  const pgdata = join(config.dataDir, "pgdata");
  let moved: string | null = null;
  if (existsSync(pgdata)) {
    moved = `${pgdata}.before-restore-${new Date().toISOString().replaceAll(":", "-")}`;
    renameSync(pgdata, moved);
  }
  try {
    await restoreSnapshot(config.dataDir, new Blob([readFileSync(file)]));
  } catch (e) {
    if (moved) {
      // The folder as it was: a bad backup file must not cost the data that was there.
      rmSync(pgdata, { recursive: true, force: true });
      renameSync(moved, pgdata);
    }
    return failed(`Cannot restore ${file}: ${(e as Error).message}`);
  }
  console.log(`Restored ${file} into ${pgdata}${moved ? `; the previous database was moved to ${moved}` : ""}`);
  return 0;
}

/** `chat copy-store --to URL`: the embedded store's every row into an empty PostgreSQL database. */
export async function copyStoreMain(config: Config, to: string | undefined): Promise<number> {
  if (!to || !/^postgres(ql)?:\/\//.test(to)) return failed("Usage: chat copy-store --to postgres://user:password@host:port/database");
  if (config.database) return failed("chat copy-store copies from the embedded store; this config points at a real PostgreSQL server (use pg_dump there)");
  if (!existsSync(join(config.dataDir, "pgdata"))) return failed(`No embedded store in ${config.dataDir} to copy from`);
  if (await serverRunning(config)) return failed(`A server is running on port ${config.httpPort}; stop it first (chat admin stop)`);
  const source = await embeddedClient(config.dataDir);
  const target = postgresClient(to);
  try {
    const started = performance.now();
    const report = await copyStore(source, target);
    const total = report.tables.reduce((n, t) => n + t.rows, 0);
    for (const t of report.tables) console.log(`${t.name.padEnd(24)} ${t.rows}`);
    console.log(`Copied ${total} rows in ${((performance.now() - started) / 1000).toFixed(1)} s. Point chat at it with DATABASE_URL or "database" in chat.json.`);
    return 0;
  } catch (e) {
    return failed(`Cannot copy the store: ${(e as Error).message}`);
  } finally {
    await target.close();
    await source.close();
  }
}

function failed(line: string): number {
  console.error(line);
  return 1;
}
