import { afterAll, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer, type RunningServer } from "../../server/serve.ts";
import { startPgServer, type PgServer } from "../pg-server.ts";
import { seedDataDir } from "../template.ts";

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
    async start(dataDir, overrides = {}) {
      const db = database();
      // A first start on the embedded store would run initdb (~8 s): it gets a copy of the test
      // template instead. A folder that has a database already (a restart) keeps it.
      if (!db) await seedDataDir(dataDir);
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

/** What a describe gets from serverFixture. */
export interface ServerFixture {
  /** The running server; throws before the fixture's "starts" test has run. */
  readonly server: RunningServer;
  /** Closes `client` when the describe is done. */
  keep<T extends { close(): void }>(client: T): T;
}

/**
 * One chat server for the enclosing describe, in a fresh temporary directory: registers a
 * "starts" test (so call it before the other tests) and an afterAll that tears everything down.
 */
export function serverFixture(driver: Driver, overrides?: Record<string, unknown>): ServerFixture {
  const dataDir = tempDir();
  const open: { close(): void }[] = [];
  let server: RunningServer | undefined;

  test("starts", async () => {
    server = await driver.start(dataDir, overrides);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await server?.stop();
    // Only after the chat server has stopped, or its last queries would find no database.
    await driver.cleanup();
    removeDir(dataDir);
  });

  return {
    get server() {
      if (!server) throw new Error("the chat server has not started");
      return server;
    },
    keep: (client) => (open.push(client), client),
  };
}
