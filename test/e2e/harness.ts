import { afterAll, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer, type RunningServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { startPgServer, type PgServer } from "../pg-server.ts";
import { seedDataDir } from "../template.ts";

export interface Driver {
  name: "embedded" | "postgres";
  /** True when the store cannot run on this machine: use `describe.skipIf(driver.skip)`. */
  skip: boolean;
  /** Starts a chat server on free ports; servers started with the same `dataDir` share their data. */
  start(dataDir: string, overrides?: Record<string, unknown>): Promise<RunningServer>;
  cleanup(): Promise<void>;
}

/** Loopback as Bun reports it for IPv4 and IPv6 clients. */
export const LOOPBACK = ["127.0.0.1", "::1", "::ffff:127.0.0.1"];
/**
 * The cheapest argon2id: at the real cost (64 MiB, ~0.1-0.2 s a hash) the suite spent minutes of its
 * CPU creating accounts. Tests about password checking under load (abuse.test.ts) keep the real cost.
 */
export const CHEAP_HASH = { memoryKiB: 8, passes: 1 };

export function tempDir(prefix = "chat-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function driver(name: Driver["name"], database: () => string | undefined, cleanup: () => Promise<void>): Driver {
  return {
    name,
    skip: false,
    async start(dataDir, overrides = {}) {
      const db = database();
      // A first start on the embedded store would run initdb (~8 s): it gets a copy of the test
      // template instead. A folder that has a database already (a restart) keeps it.
      if (!db) await seedDataDir(dataDir);
      // Every test client connects from loopback, as many people at once: the per-address
      // throttles do not apply to it unless a test sets `limits.exemptAddresses` (to []) itself.
      const limits = { exemptAddresses: LOOPBACK, ...(overrides.limits as object | undefined) };
      const config = configSchema.parse({
        host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir, passwordHash: CHEAP_HASH, ...(db ? { database: { url: db } } : {}), ...overrides, limits,
      });
      return startServer(config, silentLog);
    },
    cleanup,
  };
}

/** The embedded store (PGlite in the data directory): no outside server, nothing to clean up. */
export const embedded: Driver = driver("embedded", () => undefined, async () => {});

/**
 * The embedded store, and a throwaway real PostgreSQL server. When PostgreSQL is not installed
 * (and REQUIRE_POSTGRES is not 1) the postgres driver comes back with `skip` set and refuses to
 * start, so its describe is reported as skipped instead of vanishing from the run.
 */
export async function drivers(): Promise<Driver[]> {
  if (lacks("postgres")) {
    const missing = () => Promise.reject(new Error("PostgreSQL is not installed; skip this driver's tests with describe.skipIf(driver.skip)"));
    return [embedded, { name: "postgres", skip: true, start: missing, cleanup: async () => {} }];
  }
  // Throws under REQUIRE_POSTGRES=1 when PostgreSQL is missing or does not start: the file fails.
  const pg: PgServer = (await startPgServer())!;
  // Stopped once the file's tests are done, after every describe's own servers: several
  // describes in one file share it.
  afterAll(() => pg.stop());
  return [embedded, driver("postgres", () => pg.url, async () => {})];
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
  // Made in "starts", not here: a skipped describe still registers its tests but never cleans up.
  let dataDir: string | undefined;
  const open: { close(): void }[] = [];
  let server: RunningServer | undefined;

  test("starts", async () => {
    dataDir = tempDir();
    server = await driver.start(dataDir, overrides);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await server?.stop();
    // Only after the chat server has stopped, or its last queries would find no database.
    await driver.cleanup();
    if (dataDir) removeDir(dataDir);
  });

  return {
    get server() {
      if (!server) throw new Error("the chat server has not started");
      return server;
    },
    keep: (client) => (open.push(client), client),
  };
}
