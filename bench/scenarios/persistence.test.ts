import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import type { Store } from "../../server/core/store.ts";
import type { Row } from "../lib/types.ts";
import { embeddedStore } from "../../server/store/pglite.ts";
import { postgresStore } from "../../server/store/postgres.ts";
import { lacks } from "../../test/needs.ts";
import { startPgServer } from "../../test/pg-server.ts";
import { freshDataDir } from "../../test/template.ts";
import { persistence } from "./persistence.ts";

const SECONDS = 0.15;
// Enough to pass from warm-up to the measured window; a real run warms up for a second.
const WARMUP_SECONDS = 0.05;
const options = { seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, runs: 1, producers: 20 };

/** Both modes measured on durable commits, and the last run's messages (the baseline's) still stored. */
async function check(variant: string, rows: Row[], open: () => Promise<Store>, lastRun?: Row) {
  expect(rows.map((r) => `${r.variant} / ${r.server}`)).toEqual([`${variant} / chat (group commit)`, `${variant} / one INSERT per message`]);
  for (const r of rows) {
    expect(r.scenario).toBe("persistence");
    expect(r.median.messagesPerSec).toBeGreaterThan(0);
    expect(r.median.deliveriesPerSec).toBe(r.median.messagesPerSec);
    expect(r.median.p99Ms).toBeGreaterThan(0);
    expect(r.median.notes?.some((n) => n.startsWith("synchronous_commit=on"))).toBe(true);
  }
  // Each run checks its own count; the last run's messages are still there.
  const last = lastRun ?? rows.find((r) => r.server === "one INSERT per message")!;
  const store = await open();
  try {
    expect(await store.countMessages()).toBeGreaterThanOrEqual(Math.floor(last.median.messagesPerSec * SECONDS));
  } finally {
    await store.close();
  }
}

test("persistence() measures group commit and the one-INSERT baseline on the embedded store, and the messages are stored", async () => {
  // A copy of the migrated test template: a first open of an empty folder would run initdb (~7 s).
  const embeddedDir = await freshDataDir("persistence-test-");
  try {
    const rows = await persistence({ ...options, pg: null, embeddedDir });
    await check("embedded", rows, () => embeddedStore(embeddedDir));
  } finally {
    rmSync(embeddedDir, { recursive: true, force: true });
  }
}, 30_000);

test.skipIf(lacks("postgres"))("persistence() measures group commit and the one-INSERT baseline on PostgreSQL, and the messages are stored", async () => {
  const pg = await startPgServer();
  if (!pg) throw new Error("PostgreSQL did not start");
  try {
    // With a two-node cluster too (issue 16): its row comes after one node's, group commit only.
    const rows = await persistence({ ...options, pg, embeddedDir: null, clusterNodes: [2] });
    const cluster = rows.pop()!;
    expect(`${cluster.variant} / ${cluster.server}`).toBe("PostgreSQL, 2 cluster nodes / chat (group commit)");
    expect(cluster.median.messagesPerSec).toBeGreaterThan(0);
    await check("PostgreSQL", rows, async () => postgresStore(pg.url), cluster);
  } finally {
    await pg.stop();
  }
}, 30_000);
