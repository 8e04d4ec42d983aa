import { expect, test } from "bun:test";
import postgres from "postgres";
import { lacks } from "../../test/needs.ts";
import { startPgServer } from "../../test/pg-server.ts";

// postgres.js 3.4.9 writes to a connection's socket after the connection has closed
// (porsager/postgres#1208, #1066): the TypeError is thrown outside any query and ends the process
// (a chat server whose database dropped a connection: seen in the outage test), or, when the
// write was already cancelled, the query waits forever. scripts/patch-postgres.mjs, run by
// `npm install`, makes such a query fail with CONNECTION_CLOSED.
test.skipIf(lacks("postgres"))("a query on a connection that has closed fails at once, and nothing else is thrown", async () => {
  const pg = await startPgServer();
  if (!pg) throw new Error("PostgreSQL did not start");
  let closedOnce: () => void = () => {};
  const closed = new Promise<void>((resolve) => (closedOnce = resolve));
  const sql = postgres(pg.url, { max: 1, onnotice: () => {}, onclose: () => closedOnce() });
  const killer = postgres(pg.url, { max: 1, onnotice: () => {} });
  const thrown: unknown[] = [];
  const catcher = (e: unknown) => void thrown.push(e);
  process.on("uncaughtException", catcher);
  try {
    // Reserved, so the next query goes to this very connection rather than a new one.
    const reserved = await sql.reserve();
    const [{ pid }] = await reserved`SELECT pg_backend_pid() AS pid`;
    await killer`SELECT pg_terminate_backend(${pid})`;
    await expect(reserved`SELECT 1`).rejects.toThrow();
    await closed;
    await expect(reserved`SELECT 1`).rejects.toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(thrown.map(String)).toEqual([]);
  } finally {
    process.off("uncaughtException", catcher);
    await Promise.all([sql.end({ timeout: 1 }), killer.end()]);
    await pg.stop();
  }
});
