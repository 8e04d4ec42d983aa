import { afterAll, describe, expect, test } from "bun:test";
import { lacks } from "../../test/needs.ts";
import { startPgServer } from "../../test/pg-server.ts";
import { MIGRATIONS } from "./migrations.ts";
import { postgresClient } from "./postgres.ts";
import { SqlStore } from "./sql-store.ts";

// Nodes of a cluster often start together on a new, empty database (`docker compose up` with two
// chat services). Each must come up: one applies the migrations, the others wait and find them done.
// Before the table that lists migrations was made under the lock, the loser of a CREATE TABLE IF
// NOT EXISTS race died with "duplicate key value violates unique constraint pg_type_typname_nsp_index".

const skip = lacks("postgres");
const pg = skip ? null : await startPgServer();
afterAll(() => pg?.stop());

describe.skipIf(skip)("nodes migrating one new database at once", () => {
  test("three nodes, three new databases: every migrate succeeds, each version applied once", async () => {
    const admin = postgresClient(pg!.url);
    try {
      for (let round = 0; round < 3; round++) {
        const name = `together_${round}`;
        await admin.exec(`CREATE DATABASE ${name}`);
        const url = pg!.url.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
        const clients = [0, 1, 2].map(() => postgresClient(url));
        const stores = clients.map((db) => new SqlStore("postgres", db));
        try {
          const applied = await Promise.all(stores.map((s) => s.migrate()));
          expect(applied.reduce((a, b) => a + b, 0)).toBe(MIGRATIONS.length);
          const [count] = await clients[0]!.query<{ n: number }>("SELECT count(*)::int AS n FROM schema_migrations");
          expect(count!.n).toBe(MIGRATIONS.length);
        } finally {
          await Promise.all(stores.map((s) => s.close()));
        }
      }
    } finally {
      await admin.close();
    }
  });
});
