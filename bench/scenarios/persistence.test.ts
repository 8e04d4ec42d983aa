import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedStore } from "../../server/store/pglite.ts";
import { postgresStore } from "../../server/store/postgres.ts";
import { startPgServer } from "../../test/pg-server.ts";
import { persistence } from "./persistence.ts";

const SECONDS = 0.3;

test("persistence() measures group commit and the one-INSERT baseline on both stores, and the messages are stored", async () => {
  const pg = await startPgServer();
  if (!pg) console.warn("persistence: PostgreSQL rows skipped (no server available)");
  const embeddedDir = mkdtempSync(join(tmpdir(), "persistence-test-"));
  try {
    const rows = await persistence({ seconds: SECONDS, runs: 1, producers: 20, pg, embeddedDir });

    const variants = [...(pg ? ["PostgreSQL"] : []), "embedded"];
    expect(rows.map((r) => `${r.variant} / ${r.server}`)).toEqual(
      variants.flatMap((v) => [`${v} / chat (group commit)`, `${v} / one INSERT per message`]),
    );
    for (const r of rows) {
      expect(r.scenario).toBe("persistence");
      expect(r.median.messagesPerSec).toBeGreaterThan(0);
      expect(r.median.deliveriesPerSec).toBe(r.median.messagesPerSec);
      expect(r.median.p99Ms).toBeGreaterThan(0);
      expect(r.median.notes?.some((n) => n.startsWith("synchronous_commit=on"))).toBe(true);
    }

    // Each run checks its own count; the last run's messages (the baseline's) are still there.
    const stored = async (store: Awaited<ReturnType<typeof embeddedStore>>) => {
      try {
        return await store.countMessages();
      } finally {
        await store.close();
      }
    };
    const last = (variant: string) => rows.find((r) => r.variant === variant && r.server === "one INSERT per message")!;
    if (pg) expect(await stored(postgresStore(pg.url))).toBeGreaterThanOrEqual(Math.floor(last("PostgreSQL").median.messagesPerSec * SECONDS));
    expect(await stored(await embeddedStore(embeddedDir))).toBeGreaterThanOrEqual(Math.floor(last("embedded").median.messagesPerSec * SECONDS));
  } finally {
    await pg?.stop();
    rmSync(embeddedDir, { recursive: true, force: true });
  }
}, 30_000);
