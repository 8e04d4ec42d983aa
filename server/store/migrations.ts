import init from "../../sql/001_init.sql" with { type: "text" };
import admin from "../../sql/002_admin.sql" with { type: "text" };
import checkedInBatches from "../../sql/003_messages_checked_in_batches.sql" with { type: "text" };
import memberships from "../../sql/004_memberships_reads_mentions.sql" with { type: "text" };
import trustAndSafety from "../../sql/005_trust_and_safety.sql" with { type: "text" };
import clientMessageIds from "../../sql/006_client_message_ids.sql" with { type: "text" };
import messageSearch from "../../sql/007_message_search.sql" with { type: "text" };
import cluster from "../../sql/008_cluster.sql" with { type: "text" };
import searchIndexedAfterCommit from "../../sql/009_search_indexed_after_commit.sql" with { type: "text" };
import type { SqlClient } from "./sql-client.ts";

// Imported as text so the compiled binary carries its schema. Append, never edit, a migration.
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  { version: 1, name: "001_init", sql: init },
  { version: 2, name: "002_admin", sql: admin },
  { version: 3, name: "003_messages_checked_in_batches", sql: checkedInBatches },
  { version: 4, name: "004_memberships_reads_mentions", sql: memberships },
  { version: 5, name: "005_trust_and_safety", sql: trustAndSafety },
  { version: 6, name: "006_client_message_ids", sql: clientMessageIds },
  { version: 7, name: "007_message_search", sql: messageSearch },
  { version: 8, name: "008_cluster", sql: cluster },
  { version: 9, name: "009_search_indexed_after_commit", sql: searchIndexedAfterCommit },
];

// Any constant works; it only has to be the same for every server sharing one database.
const MIGRATION_LOCK = 7_346_001;

/**
 * How many migrations (up to `upTo`) are not applied yet, found with one query: a start on an
 * up-to-date database asks only this, not eight locked transactions (~0.1 s of a warm start).
 */
export async function pendingMigrations(db: SqlClient, upTo = Infinity): Promise<number> {
  // to_regclass is NULL before the first migration made the table; the query then reads no table.
  const [found] = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  const wanted = MIGRATIONS.filter((m) => m.version <= upTo);
  if (!found?.present) return wanted.length;
  const applied = new Set((await db.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) => Number(r.version)));
  return wanted.filter((m) => !applied.has(m.version)).length;
}

/** Applies the migrations not applied yet, up to `upTo` (every one by default); returns how many it applied. */
export async function migrate(db: SqlClient, upTo = Infinity): Promise<number> {
  if ((await pendingMigrations(db, upTo)) === 0) return 0;
  await db.transaction(async (tx) => {
    // Under the lock too: nodes starting together on a new database would otherwise race to make
    // it, and PostgreSQL's IF NOT EXISTS is no guard against a concurrent CREATE (the loser fails
    // on pg_type's unique index).
    await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  let applied = 0;
  for (const m of MIGRATIONS.filter((m) => m.version <= upTo)) {
    const done = await db.transaction(async (tx) => {
      // Two servers starting together must not both apply the same version.
      await tx.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // The store's statement_timeout is for chat's quick queries; a migration of a big database may take longer.
      await tx.exec("SET LOCAL statement_timeout = 0");
      const rows = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [m.version]);
      if (rows.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
}
