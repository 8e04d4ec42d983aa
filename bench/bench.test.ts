import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { lacks, type Need } from "../test/needs.ts";
import { startPgServer, type PgServer } from "../test/pg-server.ts";
import { runBench } from "./main.ts";
import { chart } from "./report/chart.ts";
import { results } from "./report/markdown.ts";
import type { Row } from "./lib/types.ts";

// Each benchmark once at a tiny size, so none of them rots between real runs (`npm run bench`).
// Nothing here is timed: speed is the benchmark's business, not the tests'. A quick run installs
// nothing and pins nothing; a scenario whose peers are not installed is skipped.

const machine = { cpu: "test", memoryGiB: 1, kernel: "test", bun: Bun.version, node: "test", fileLimit: 1024, date: "today" };

/** What each scenario's servers need besides our own. */
const NEEDS: Record<string, Need[]> = { tcp: ["ngircd", "inspircd"], ws: [], latency: ["ngircd"], idle: [], cluster: [] };

describe("benchmarks at a tiny size", () => {
  // One PostgreSQL for every scenario here, instead of a durable one started by each run.
  let pg: PgServer | null = null;
  beforeAll(async () => {
    if (!lacks("postgres")) pg = await startPgServer();
  });
  afterAll(() => pg?.stop());
  const bench = (scenario: string) => {
    if (!pg) throw new Error("PostgreSQL did not start");
    return runBench({ only: [scenario], runs: 1, quick: true, docsDir: null, log: () => {}, pg });
  };
  const skip = (scenario: string) => lacks("postgres", ...NEEDS[scenario]!);

  for (const scenario of ["tcp", "ws", "latency"]) {
    test.skipIf(skip(scenario))(`${scenario}: every server delivers every client's messages`, async () => {
      const rows = await bench(scenario);
      expect(rows.length).toBeGreaterThanOrEqual(3);
      for (const row of rows) {
        expect({ server: row.server, problems: (row.median.notes ?? []).filter((n) => /failed|disconnected/.test(n)) }).toEqual({ server: row.server, problems: [] });
        expect(row.median.deliveriesPerSec).toBeGreaterThan(0);
        expect(row.median.p99Ms).toBeGreaterThan(0);
      }
      expect(results(rows, machine)).toContain(`| ${rows[0]!.variant} | **chat`);
      expect(chart(rows)).toStartWith("<svg");
    }, 180_000);
  }

  test.skipIf(skip("cluster"))("cluster: deliveries that cross from the sender's node to another are measured apart", async () => {
    if (!pg) throw new Error("PostgreSQL did not start");
    const rows = await runBench({ only: ["cluster"], nodes: [1, 2], runs: 1, quick: true, docsDir: null, log: () => {}, pg });
    expect(rows.map((r) => [r.server, (r.median.notes ?? []).filter((n) => /failed|disconnected/.test(n))])).toEqual([["chat (1 node, TCP)", []], ["chat (2 nodes, TCP)", []]]);
    const [one, two] = rows as [Row, Row];
    expect(one.median.crossNodeP99Ms).toBeUndefined();
    expect(two.median.crossNodeP99Ms).toBeGreaterThan(0);
    expect(results(rows, machine)).toContain("cross-node p99");
  }, 120_000);

  // The startup scenario builds a binary of its own (binary.test.ts already checks a built binary
  // starts); it runs with `npm run bench -- --only startup`, not in every test run.

  test.skipIf(skip("idle"))("idle: memory is read at every step", async () => {
    const rows = await bench("idle");
    expect(rows.map((r) => r.clients)).toEqual([20, 40]);
    for (const row of rows) expect(row.median.serverRssMiB).toBeGreaterThan(10);
  }, 120_000);
});
