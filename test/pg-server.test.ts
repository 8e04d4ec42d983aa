import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import postgres from "postgres";
import { lacks } from "./needs.ts";
import { startPgServer } from "./pg-server.ts";

/** True when something accepts a TCP connection on 127.0.0.1:port. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = connect(port, "127.0.0.1");
    sock.once("connect", () => { sock.destroy(); resolve(true); });
    sock.once("error", () => resolve(false));
  });

test.skipIf(lacks("postgres"))("starts a real PostgreSQL, serves queries, and stops cleanly", async () => {
  const t0 = performance.now();
  const pg = await startPgServer();
  const startMs = performance.now() - t0;
  if (!pg) throw new Error("PostgreSQL did not start");
  // A failure below leaves the server to pg-server.ts's exit hook.
  expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
  const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as one`;
    expect(row.one).toBe(1);
    const [sc] = await sql`show synchronous_commit`;
    expect(typeof sc.synchronous_commit).toBe("string");
  } finally {
    await sql.end();
  }

  const t1 = performance.now();
  await pg.stop();
  console.log(`pg-server: start ${startMs.toFixed(0)} ms, stop ${(performance.now() - t1).toFixed(0)} ms`);
  expect(await accepts(pg.port)).toBe(false);
  expect(existsSync(pg.dataDir)).toBe(false);
}, 60_000);
