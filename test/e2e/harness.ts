import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer, type RunningServer } from "../../server/serve.ts";
import { startPgServer, type PgServer } from "../pg-server.ts";

export interface Driver {
  name: "embedded" | "postgres";
  /** Starts a chat server on free ports; servers started with the same `dataDir` share their data. */
  start(dataDir: string, overrides?: Record<string, unknown>): Promise<RunningServer>;
  cleanup(): Promise<void>;
}

export function tempDir(prefix = "chat-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function driver(name: Driver["name"], database: () => string | undefined, cleanup: () => Promise<void>): Driver {
  return {
    name,
    start(dataDir, overrides = {}) {
      const db = database();
      const config = configSchema.parse({
        host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir, ...(db ? { database: { url: db } } : {}), ...overrides,
      });
      return startServer(config, silentLog);
    },
    cleanup,
  };
}

/** The embedded store (PGlite in the data directory): no outside server, nothing to clean up. */
export const embedded: Driver = driver("embedded", () => undefined, async () => {});

/**
 * The embedded store always; a throwaway real PostgreSQL server when its binaries exist
 * (and always under REQUIRE_POSTGRES=1, where missing binaries fail the run).
 */
export async function drivers(): Promise<Driver[]> {
  const list = [embedded];
  const pg: PgServer | null = await startPgServer();
  if (pg) list.push(driver("postgres", () => pg.url, () => pg.stop()));
  else console.warn("e2e: no PostgreSQL binaries; running against the embedded store only");
  return list;
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}
