import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { freshDataDir } from "../../test/template.ts";
import { createLogger, type LogRecord } from "../log/logger.ts";
import { embeddedClient } from "./pglite.ts";
import { SqlStore } from "./sql-store.ts";

test("the search indexer's failures go to the server's log as errors with the database's reason, not once per poke, and its recovery too", async () => {
  const dir = await freshDataDir("chat-indexer-log-");
  const db = await embeddedClient(dir);
  const store = new SqlStore("embedded", db);
  try {
    const records: LogRecord[] = [];
    store.reportTo(createLogger([{ pretty: false, write: (line) => records.push(JSON.parse(line)) }]));
    // A database the indexer cannot write to: every pass fails.
    await db.exec("ALTER TABLE message_search RENAME TO message_search_away");
    for (let i = 0; i < 3; i++) {
      store.searchIndexer.poke();
      await store.searchIndexer.settled();
    }
    const failures = records.filter((r) => r.event === "search indexing failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: "error", failures: 1 });
    expect(String(failures[0]!.error)).toContain("message_search");
    await db.exec("ALTER TABLE message_search_away RENAME TO message_search");
    store.searchIndexer.poke();
    await store.searchIndexer.settled();
    expect(records.at(-1)).toMatchObject({ level: "info", event: "search indexing works again", failures: 3 });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
