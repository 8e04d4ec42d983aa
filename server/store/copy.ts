import { migrate } from "./migrations.ts";
import type { SqlClient } from "./sql-client.ts";

// `chat copy-store`: everything in one database copied into another with the same schema, ids kept.
// Tables are found in the catalog, not listed here, so a migration's new table is copied too.

/** Rows fetched and inserted at a time: a few hundred kB of JSON per round trip. */
const PAGE = 2000;

export interface CopyReport {
  tables: { name: string; rows: number }[];
}

/** A table's name and the columns of its primary key (empty when it has none). */
interface Table {
  name: string;
  key: string[];
}

/**
 * Copies every row of `from` into `to` in one transaction (all of it or nothing), each table after
 * the ones it references, then sets every sequence past the highest id. Both are migrated first and
 * must end at the same migrations. Refuses a target that already holds data.
 */
export async function copyStore(from: SqlClient, to: SqlClient, progress: (table: string, rows: number) => void = () => {}): Promise<CopyReport> {
  await migrate(from);
  await migrate(to);
  const [a, b] = [await versions(from), await versions(to)];
  if (a !== b) throw new Error(`The target's schema (migrations ${b}) differs from the source's (${a})`);
  const tables = await orderedTables(from);
  return to.transaction(async (tx) => {
    await refuseNonEmpty(tx, tables);
    // A fresh schema's own rows (the #lobby room of 001) give way to the source's, ids and all.
    await tx.exec("DELETE FROM rooms");
    const report: CopyReport = { tables: [] };
    for (const table of tables) {
      const rows = await copyTable(from, tx, table, (n) => progress(table.name, n));
      report.tables.push({ name: table.name, rows });
    }
    await resetSequences(tx);
    return report;
  });
}

async function versions(db: SqlClient): Promise<string> {
  const rows = await db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
  return rows.map((r) => r.version).join(",");
}

/** The schema's tables (not schema_migrations, which each side keeps for itself), referenced ones first. */
async function orderedTables(db: SqlClient): Promise<Table[]> {
  const rows = await db.query<{ name: string; key: string[] | null }>(`
    SELECT c.relname AS name,
           (SELECT array_agg(a.attname::text ORDER BY k.n)
              FROM pg_index i, unnest(i.indkey) WITH ORDINALITY AS k (attnum, n), pg_attribute a
             WHERE i.indrelid = c.oid AND i.indisprimary AND a.attrelid = c.oid AND a.attnum = k.attnum) AS key
      FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
     ORDER BY c.relname`);
  const refs = await db.query<{ child: string; parent: string }>(`
    SELECT ch.relname AS child, pa.relname AS parent
      FROM pg_constraint co JOIN pg_class ch ON ch.oid = co.conrelid JOIN pg_class pa ON pa.oid = co.confrelid
      JOIN pg_namespace ns ON ns.oid = ch.relnamespace
     WHERE co.contype = 'f' AND ns.nspname = 'public' AND ch.oid <> pa.oid`);
  const ordered: Table[] = [];
  const placed = new Set<string>();
  const place = (t: { name: string; key: string[] | null }, path: Set<string>) => {
    if (placed.has(t.name) || path.has(t.name)) return;
    path.add(t.name);
    for (const r of refs) if (r.child === t.name) place(rows.find((x) => x.name === r.parent) ?? { name: r.parent, key: null }, path);
    if (!placed.has(t.name) && rows.some((x) => x.name === t.name)) {
      placed.add(t.name);
      ordered.push({ name: t.name, key: t.key ?? [] });
    }
  };
  for (const t of rows) place(t, new Set());
  return ordered;
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function refuseNonEmpty(tx: SqlClient, tables: Table[]) {
  for (const t of tables) {
    const lobbyOnly = t.name === "rooms" ? " WHERE name_key <> '#lobby'" : "";
    const [row] = await tx.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${ident(t.name)}${lobbyOnly}) AS any`);
    if (row!.any) throw new Error(`The target database is not empty (table ${t.name} has rows); copy-store copies only into an empty database`);
  }
}

/** Copies one table page by page, in key order (keyset pages: each as quick as the first). */
async function copyTable(from: SqlClient, to: SqlClient, table: Table, progress: (rows: number) => void): Promise<number> {
  const name = ident(table.name);
  const order = table.key.length > 0 ? table.key.map(ident).join(", ") : `${name}::text`;
  const keyRow = table.key.length > 0 ? `(${table.key.map(ident).join(", ")})` : null;
  let copied = 0;
  let last: string | null = null;
  for (;;) {
    // With a key, the next page starts after the last row seen; without one (small tables), by offset.
    const after: string = keyRow && last !== null ? `WHERE ${keyRow} > (SELECT ${table.key.map(ident).join(", ")} FROM json_populate_record(null::${name}, $1::text::json))` : "";
    const params: string[] = keyRow ? (last !== null ? [last] : []) : [];
    const offset = keyRow ? "" : ` OFFSET ${copied}`;
    const [page]: { rows: string | null; last: string | null; n: number }[] = await from.query(
      // A sorted subquery feeds json_agg in its order, so its last element is the page's last row.
      `SELECT json_agg(p)::text AS rows, (json_agg(p) -> -1)::text AS last, count(*)::int AS n
         FROM (SELECT * FROM ${name} ${after} ORDER BY ${order} LIMIT ${PAGE}${offset}) p`,
      params,
    );
    if (!page || page.n === 0 || page.rows === null) return copied;
    await to.query(`INSERT INTO ${name} SELECT * FROM json_populate_recordset(null::${name}, $1::text::json)`, [page.rows]);
    copied += page.n;
    last = page.last;
    progress(copied);
    if (page.n < PAGE) return copied;
  }
}

/** Every serial or identity column's sequence set past the highest value copied. */
async function resetSequences(tx: SqlClient) {
  const columns = await tx.query<{ table_name: string; column_name: string }>(`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`);
  for (const c of columns) {
    const [table, column] = [ident(c.table_name), ident(c.column_name)];
    await tx.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${column}) FROM ${table}), 0) + 1, false)`,
      [table, c.column_name],
    );
  }
}
