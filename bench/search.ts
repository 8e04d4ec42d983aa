import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { postgresClient, postgresStore } from "../server/store/postgres.ts";
import { INDEX_NEXT } from "../server/store/search-indexer.ts";
import { startPgServer } from "../test/pg-server.ts";

// `npm run bench:search`: how fast /search answers over a big history on a real PostgreSQL. It
// starts a throwaway durable server, stores --messages messages (1,000,000 by default) of 6–14
// words drawn from a 20,000-word vocabulary with a Zipf-like skew (so some words are in most
// messages and most words in few), in 40 rooms plus private conversations, and times the store's
// searchMessages() (what /search runs: the query, the membership filter, newest 50) for queries
// from rare to very common, as one member of 10 rooms sees them. Results replace the "Search"
// section of docs/BENCHMARKS.md unless --no-write.

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "1000000" },
    runs: { type: "string", default: "30" },
    "no-write": { type: "boolean", default: false },
  },
});
const MESSAGES = Number(values.messages);
const RUNS = Number(values.runs);
const ROOMS = 40;
const MEMBER_OF = 10;
const VOCABULARY = 20_000;

/** Pronounceable words, a few of them accented as Spanish is: "café", "mañana", "información". */
function vocabulary(): string[] {
  const syllables = ["ba", "be", "ca", "co", "da", "de", "fa", "fi", "ga", "la", "le", "lo", "ma", "me", "na", "ni", "pa", "pe", "ra", "ri", "sa", "se", "ta", "to", "va", "ve", "za", "cho", "tra", "pri"];
  const words = new Set<string>(["café", "mañana", "información", "examen", "pregunta", "respuesta", "canción", "último"]);
  let seed = 42;
  // Park–Miller: exact in doubles, so the same vocabulary every run.
  const next = () => (seed = (seed * 48_271) % 2_147_483_647);
  while (words.size < VOCABULARY) {
    let w = "";
    for (let i = 0, n = 2 + (next() % 3); i < n; i++) w += syllables[next() % syllables.length];
    words.add(w);
  }
  return [...words];
}

async function load(url: string, words: string[]) {
  // Not the store's client: its statement_timeout (5 s) is for chat's quick queries, and loading a
  // million rows (or vacuuming them) on a loaded machine takes longer.
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const db = { query: (text: string, params: any[] = []) => sql.unsafe(text, params), close: () => sql.end() };
  try {
    await db.query("INSERT INTO users (nick, nick_key, password_hash) SELECT 'u' || i, 'u' || i, 'x' FROM generate_series(1, 200) i");
    // Rooms #r1…#r40 take ids 2…41 (#lobby is 1).
    await db.query(`INSERT INTO rooms (name, name_key) SELECT '#r' || i, '#r' || i FROM generate_series(1, ${ROOMS}) i`);
    // The searcher, u1, is a member of the first MEMBER_OF rooms.
    await db.query(`INSERT INTO memberships (user_id, room_id) SELECT u.id, r.id FROM users u, rooms r
      WHERE u.nick = 'u1' AND r.name IN (SELECT '#r' || i FROM generate_series(1, ${MEMBER_OF}) i)`);
    await db.query("CREATE TABLE bench_vocab (i int PRIMARY KEY, w text NOT NULL)");
    await db.query("INSERT INTO bench_vocab SELECT n, w FROM unnest($1::text[]) WITH ORDINALITY AS v (w, n)", [words]);
    // Building the search index once after loading is far quicker than keeping it up row by row;
    // it is built again by the migration's own statement, so the index measured is the real one.
    // message_search is filled by the background indexer's own statement, in one batch of all.
    const createIndex = /CREATE INDEX message_search_tsv_idx[^;]*;/.exec(readFileSync(join(import.meta.dir, "..", "sql", "009_search_indexed_after_commit.sql"), "utf8"))![0];
    await db.query("DROP INDEX message_search_tsv_idx");
    const started = performance.now();
    const batch = 100_000;
    for (let from = 1; from <= MESSAGES; from += batch) {
      const to = Math.min(MESSAGES, from + batch - 1);
      // power(random(), 3) skews toward the first words: a few in most messages, most in few.
      // One in 20 messages is private between two of the 200 users (u1 in some of them).
      await db.query(
        `INSERT INTO messages (sender_id, room_id, recipient_id, kind, body, created_at)
         SELECT 1 + (g * 7919) % 200,
                CASE WHEN g % 20 = 0 THEN NULL ELSE 2 + (g % ${ROOMS}) END,
                CASE WHEN g % 20 = 0 THEN 1 + (g * 104729) % 200 END,
                CASE WHEN g % 20 = 0 THEN 'private' ELSE 'public' END,
                (SELECT string_agg(v.w, ' ') FROM bench_vocab v
                   JOIN (SELECT 1 + floor(power(random(), 3) * ${VOCABULARY})::int AS i FROM generate_series(1, 6 + g % 9) WHERE g > 0) r USING (i)),
                now() - (${MESSAGES} - g) * interval '1 second'
           FROM generate_series($1::bigint, $2::bigint) g`,
        [from, to],
      );
      console.log(`  ${to.toLocaleString("en")} messages stored (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
    // Private messages name a sender and recipient that differ.
    await db.query("DELETE FROM messages WHERE recipient_id = sender_id");
    await db.query("DROP TABLE bench_vocab");
    await db.query(INDEX_NEXT, [MESSAGES]);
    await db.query(createIndex);
    console.log(`  search index built (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    await db.query("VACUUM ANALYZE messages");
    await db.query("VACUUM ANALYZE message_search");
  } finally {
    await db.close();
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main() {
  console.log("Starting PostgreSQL…");
  const pg = await startPgServer({ durable: true });
  if (!pg) throw new Error("PostgreSQL is not installed (apt-get install postgresql)");
  const store = postgresStore(pg.url);
  try {
    await store.migrate();
    const words = vocabulary();
    console.log(`Storing ${MESSAGES.toLocaleString("en")} messages…`);
    await load(pg.url, words);
    const [searcher] = await postgresClient(pg.url).query<{ id: number }>("SELECT id FROM users WHERE nick = 'u1'");
    const queries: [string, string][] = [
      ["very common word", words[0]!],
      ["common word", words[30]!],
      ["rare word", words[15_000]!],
      ["two words", `${words[3]} ${words[200]}`],
      ["accented, typed without accents", "cafe manana"],
      ["no match", "zzzqqq"],
    ];
    const rows: string[] = [];
    for (const [what, q] of queries) {
      for (let i = 0; i < 3; i++) await store.searchMessages(searcher!.id, q, 50);
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        found = (await store.searchMessages(searcher!.id, q, 50)).length;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const row = `| ${what} | \`${q}\` | ${found} | ${percentile(times, 0.5).toFixed(1)} | ${percentile(times, 0.95).toFixed(1)} |`;
      console.log(row);
      rows.push(row);
    }
    if (!values["no-write"]) write(rows);
  } finally {
    await store.close();
    await pg.stop();
  }
}

/** Replaces the search section of docs/BENCHMARKS.md. */
function write(rows: string[]) {
  const file = join(import.meta.dir, "..", "docs", "BENCHMARKS.md");
  const doc = readFileSync(file, "utf8");
  const start = "<!-- search:start (written by npm run bench:search; edits inside are lost) -->";
  const end = "<!-- search:end -->";
  const body = [
    start,
    `${MESSAGES.toLocaleString("en")} messages; the searcher is in ${MEMBER_OF} of ${ROOMS} rooms; newest 50 matches; ${RUNS} runs after 3 warm-ups; ${new Date().toISOString().slice(0, 10)}.`,
    "",
    "| query | words | results | median ms | p95 ms |",
    "| --- | --- | ---: | ---: | ---: |",
    ...rows,
    end,
  ].join("\n");
  const i = doc.indexOf(start.slice(0, 20));
  const j = doc.indexOf(end);
  writeFileSync(file, i >= 0 && j > i ? doc.slice(0, i) + body + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n## Search\n\n${body}\n`);
}

await main();
