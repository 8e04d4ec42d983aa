import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { lacks } from "../../test/needs.ts";
import { startPgServer } from "../../test/pg-server.ts";
import { emptyDataDir } from "../../test/template.ts";
import { MIGRATIONS } from "./migrations.ts";
import { embeddedClient } from "./pglite.ts";
import { postgresClient } from "./postgres.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlStore } from "./sql-store.ts";

// A database made by the release before Core v2 (migrations 1–3, one room at a time, one read
// marker per user for all private messages) upgrades in place, and nothing in it is lost; its
// messages are indexed for search once the server runs.

const RELEASE = 3;
const skipPostgres = lacks("postgres");
const pg = skipPostgres ? null : await startPgServer();
afterAll(() => pg?.stop());

// The embedded one has to start from nothing, below the release's schema: a copy of a database
// as initdb left it (test/template.ts), rather than running initdb again here.
const emptyDirs: string[] = [];
afterAll(() => {
  for (const dir of emptyDirs) rmSync(dir, { recursive: true, force: true });
});
const emptyEmbedded = async () => {
  const dir = await emptyDataDir();
  emptyDirs.push(dir);
  return embeddedClient(dir);
};
const drivers: [string, boolean, () => Promise<SqlClient> | SqlClient][] = [
  ["embedded", false, emptyEmbedded],
  ["postgres", skipPostgres, () => postgresClient(pg!.url)],
];

for (const [name, skip, open] of drivers) {
  describe.skipIf(skip)(`upgrading the ${name} store`, () => {
    test("accounts, rooms, messages, read markers, bans and settings come through; everyone is in #lobby", async () => {
      const db = await open();
      const store = new SqlStore(name === "embedded" ? "embedded" : "postgres", db);
      try {
        // Nothing yet, not even the table that lists what ran.
        expect(await store.pendingMigrations()).toBe(MIGRATIONS.length);
        expect(await store.migrate(RELEASE)).toBe(RELEASE);
        expect(await store.pendingMigrations()).toBe(MIGRATIONS.length - RELEASE);
        // What the release wrote, in its own SQL.
        await db.exec(`
          INSERT INTO users (nick, nick_key, password_hash, status, status_note) VALUES
            ('Ana', 'ana', 'h-ana', 'busy', 'lunch'), ('beto', 'beto', 'h-beto', 'available', '');
          INSERT INTO rooms (name, name_key, created_by) VALUES ('#Dev', '#dev', 1);
          INSERT INTO messages (sender_id, room_id, recipient_id, kind, body) VALUES
            (1, 1, NULL, 'public', 'hola lobby'), (2, 2, NULL, 'emote', 'waves in dev'),
            (2, NULL, 1, 'private', 'read before'), (2, NULL, 1, 'private', 'unread after');
          UPDATE users SET pm_read_id = 3, last_seen = now() WHERE nick_key = 'ana';
          INSERT INTO bans (nick_key, nick, until, reason, created_by) VALUES ('beto', 'beto', NULL, 'spam', 'admin');
          INSERT INTO settings (key, value) VALUES ('motd', 'kept');
        `);
        expect(await store.migrate()).toBe(MIGRATIONS.length - RELEASE);
        expect(await store.pendingMigrations()).toBe(0);
        expect(await store.migrate()).toBe(0);

        const ana = (await store.findUser("ANA"))!;
        expect(ana).toMatchObject({ nick: "Ana", passwordHash: "h-ana", status: "busy", statusNote: "lunch", settings: {} });
        const lobby = (await store.findRoom("#lobby"))!;
        const dev = (await store.findRoom("#dev"))!;
        expect((await store.roomHistory(lobby.id, 10)).map((m) => m.text)).toEqual(["hola lobby"]);
        expect((await store.roomHistory(dev.id, 10)).map((m) => [m.kind, m.text])).toEqual([["emote", "waves in dev"]]);
        // Everyone stays in the one room they were all in, with nothing there unread.
        expect(await store.memberships(ana.id)).toEqual([{ room: { id: lobby.id, name: "#lobby" }, readId: 1, unread: 0, mentions: 0 }]);
        expect((await store.listRooms()).map((r) => [r.room.name, r.members])).toEqual([["#Dev", 0], ["#lobby", 2]]);
        // The one read marker became the conversation's: what was read stays read.
        const beto = (await store.findUser("beto"))!;
        expect(await store.privateConversations(ana.id, 10)).toEqual([{ peer: { id: beto.id, nick: "beto" }, readId: 3, unread: 1 }]);
        expect((await store.unreadPrivateMessages(ana.id, 10)).messages.map((m) => m.text)).toEqual(["unread after"]);
        expect((await store.conversation(ana.id, beto.id, 10)).map((m) => m.text)).toEqual(["read before", "unread after"]);
        expect(await store.activeBan("beto", new Date())).toMatchObject({ reason: "spam" });
        expect(await store.getSetting("motd")).toBe("kept");
        expect(await store.countMessages()).toBe(4);
        // Search (sql/009): the indexer started by migrate() indexes the old messages after the fact.
        await store.searchIndexer.settled();
        const [indexed] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM message_search");
        expect(indexed!.n).toBe(4);
        expect((await store.searchMessages(ana.id, "HOLA", 10)).map((m) => m.text)).toEqual(["hola lobby"]);
        expect((await store.searchMessages(ana.id, "after", 10)).map((m) => m.text)).toEqual(["unread after"]);
        expect(await store.searchMessages(ana.id, "waves", 10)).toEqual([]);
        // And it works as the new release expects: a new message names someone, the counts follow.
        await store.join(beto.id, dev.id);
        await store.insertMessages([{ kind: "public", senderId: beto.id, from: "beto", roomId: lobby.id, room: "#lobby", text: "@Ana hi", mentions: [{ id: ana.id, nick: "Ana" }] }]);
        expect((await store.memberships(ana.id))[0]).toMatchObject({ unread: 1, mentions: 1 });
        expect(await store.migrate()).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
}
