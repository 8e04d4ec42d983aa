import { describe, expect, test } from "bun:test";
import { runBench } from "./main.ts";
import { chart } from "./report/chart.ts";
import { results } from "./report/markdown.ts";

// Each benchmark once at a tiny size, so none of them rots between real runs (`npm run bench`).
// Nothing here is timed: speed is the benchmark's business, not the tests'.

const machine = { cpu: "test", memoryGiB: 1, kernel: "test", bun: Bun.version, node: "test", fileLimit: 1024, date: "today" };

describe("benchmarks at a tiny size", () => {
  for (const scenario of ["tcp", "ws", "latency"]) {
    test(`${scenario}: every server delivers every client's messages`, async () => {
      const rows = await runBench({ only: [scenario], runs: 1, quick: true, docsDir: null, log: () => {} });
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

  test("idle: memory is read at every step", async () => {
    const rows = await runBench({ only: ["idle"], runs: 1, quick: true, docsDir: null, log: () => {} });
    expect(rows.map((r) => r.clients)).toEqual([20, 40]);
    for (const row of rows) expect(row.median.serverRssMiB).toBeGreaterThan(10);
  }, 120_000);
});
