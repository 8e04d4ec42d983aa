import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { lacks } from "../../test/needs.ts";
import { startPgServer } from "../../test/pg-server.ts";
import { freshDataDir } from "../../test/template.ts";
import { embeddedClient } from "./pglite.ts";
import { postgresClient } from "./postgres.ts";
import { SearchIndexer } from "./search-indexer.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlSearch } from "./sql-search.ts";
import { SqlStore } from "./sql-store.ts";
import { migrate } from "./migrations.ts";

// Search indexed after the commit (sql/009), on both drivers: what the indexer has not reached yet
// is found all the same, what it indexes is found from message_search, the id windows add up to
// the newest matches in order, and nobody finds a message they may not read at any of those steps.
// Messages are stored here with plain SQL, which no indexer hears of, so what is indexed when is
// up to each test.

const skipPostgres = lacks("postgres");
const pg = skipPostgres ? null : await startPgServer();
afterAll(() => pg?.stop());

const drivers: [string, boolean, () => Promise<{ db: SqlClient; done(): Promise<void> }>][] = [
  ["embedded", false, async () => {
    const dir = await freshDataDir("chat-search-");
    const db = await embeddedClient(dir);
    return { db, done: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }],
  ["postgres", skipPostgres, async () => {
    // One database for the three tests: each has rooms and people of its own. migrate() and not
    // the store's, which would start an indexer of its own.
    const db = postgresClient(pg!.url);
    await migrate(db);
    return { db, done: () => db.close() };
  }],
];

for (const [name, skip, open] of drivers) {
  describe.skipIf(skip)(`search on the ${name} store`, () => {
    // One store for the describe, as the PostgreSQL one always was (each test has rooms and people
    // of its own): an embedded store opened per test cost ~1 CPU-s each.
    let shared: ReturnType<typeof open> | undefined;
    const store = async () => ({ db: (await (shared ??= open())).db, done: async () => {} });
    afterAll(async () => (await shared)?.done());
    test("finds messages not indexed yet, then the same from the index; never another room's", async () => {
      const { db, done } = await store();
      try {
        const { reader, say } = await people(db, "a");
        await say("mine", "el café de mañana");
        await say("theirs", "café where the reader is not");
        await say("mine", "Cafe otra vez");
        const search = new SqlSearch(db);
        const texts = async (q: string) => (await search.find(reader, q, 50)).map((m) => m.text);
        expect(await texts("cafe")).toEqual(["Cafe otra vez", "el café de mañana"]);
        const indexer = new SearchIndexer(db);
        expect(await count(db)).toBe(0);
        expect(await indexer.catchUp(2)).toBe(3);
        expect(await count(db)).toBe(3);
        expect(await texts("cafe")).toEqual(["Cafe otra vez", "el café de mañana"]);
        // One stored after the indexer's pass comes first, from the tail, then the indexed ones.
        await say("mine", "café nuevo");
        await say("theirs", "café nuevo ajeno");
        expect(await texts("CAFÉ")).toEqual(["café nuevo", "Cafe otra vez", "el café de mañana"]);
        expect(await texts("ajeno")).toEqual([]);
        expect(await indexer.catchUp()).toBe(2);
        expect(await texts("cafe nuevo")).toEqual(["café nuevo"]);
        expect(await indexer.catchUp()).toBe(0);
      } finally {
        await done();
      }
    });

    test("the id windows give the newest matches in order, up to the limit, across all of them", async () => {
      const { db, done } = await store();
      try {
        const { reader, say } = await people(db, "b");
        for (let i = 1; i <= 12; i++) await say(i % 3 === 0 ? "theirs" : "mine", `word ${i}${i % 2 ? " odd" : ""}`);
        await new SearchIndexer(db).catchUp();
        await say("mine", "word 13 odd");
        // Windows of 2 and 5 ids below the cursor, then the rest: three queries after the tail.
        const search = new SqlSearch(db, [2, 5, Number.MAX_SAFE_INTEGER]);
        const texts = async (q: string, limit: number) => (await search.find(reader, q, limit)).map((m) => m.text);
        expect(await texts("odd", 50)).toEqual(["word 13 odd", "word 11 odd", "word 7 odd", "word 5 odd", "word 1 odd"]);
        expect(await texts("word", 4)).toEqual(["word 13 odd", "word 11 odd", "word 10", "word 8"]);
        expect(await texts("word", 7)).toEqual(["word 13 odd", "word 11 odd", "word 10", "word 8", "word 7 odd", "word 5 odd", "word 4"]);
        expect(await texts("nothing", 50)).toEqual([]);
      } finally {
        await done();
      }
    });

    test("of the messages not indexed yet, only the newest are folded on the fly; the rest are found once indexed", async () => {
      const { db, done } = await store();
      try {
        const { reader, say } = await people(db, "d");
        for (let i = 1; i <= 5; i++) await say("mine", `topaz ${i}`);
        // As right after an upgrade: everything unindexed. Folding at most the newest 2 of them.
        const search = new SqlSearch(db, undefined, 2);
        const texts = async () => (await search.find(reader, "topaz", 50)).map((m) => m.text);
        expect(await texts()).toEqual(["topaz 5", "topaz 4"]);
        await new SearchIndexer(db).catchUp();
        expect(await texts()).toEqual(["topaz 5", "topaz 4", "topaz 3", "topaz 2", "topaz 1"]);
      } finally {
        await done();
      }
    });

    test("two indexers at once (two nodes) index each message once", async () => {
      const { db, done } = await store();
      try {
        const { say, room } = await people(db, "c");
        for (let i = 0; i < 30; i++) await say("mine", `m${i}`);
        const [a, b] = await Promise.all([new SearchIndexer(db).catchUp(7), new SearchIndexer(db).catchUp(5)]);
        expect(a + b).toBeGreaterThanOrEqual(30);
        const [row] = await db.query<{ n: number; ids: number }>(
          "SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM message_search WHERE room_id = $1", [room]);
        expect(row).toEqual({ n: 30, ids: 30 });
      } finally {
        await done();
      }
    });
  });
}

/** A reader in `#mine-<tag>`, another user in both rooms, and a way to store their messages unindexed. */
async function people(db: SqlClient, tag: string) {
  const store = new SqlStore("postgres", db);
  const reader = await store.createUser(`reader-${tag}`, "h");
  const other = await store.createUser(`other-${tag}`, "h");
  const rooms = { mine: await store.ensureRoom(`#mine-${tag}`, reader.id), theirs: await store.ensureRoom(`#theirs-${tag}`, other.id) };
  await store.join(reader.id, rooms.mine.id);
  const say = (room: keyof typeof rooms, text: string) =>
    db.query("INSERT INTO messages (sender_id, room_id, kind, body) VALUES ($1, $2, 'public', $3)", [other.id, rooms[room].id, text]);
  return { reader: reader.id, room: rooms.mine.id, say };
}

const count = async (db: SqlClient) => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM message_search"))[0]!.n;
