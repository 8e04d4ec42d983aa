import { expect, test } from "bun:test";
import { createLogger, type LogRecord } from "./logger.ts";
import { throttledFailures } from "./failure-report.ts";

function capture() {
  const records: LogRecord[] = [];
  return { records, log: createLogger([{ pretty: false, write: (line) => records.push(JSON.parse(line)) }]) };
}

test("throttledFailures() logs the first failure at once, then at most one a minute with how many it left out, and the recovery once", () => {
  const { records, log } = capture();
  let now = 1_000_000;
  const report = throttledFailures({ failed: "indexing failed", recovered: "indexing works again" }, () => log, 60_000, () => now);
  report.failed(new Error("relation \"x\" does not exist"));
  expect(records).toEqual([expect.objectContaining({ level: "error", event: "indexing failed", error: "relation \"x\" does not exist", failures: 1 })]);
  // A broken database fails at every poke: those within the minute are counted, not logged.
  for (let i = 0; i < 50; i++) {
    now += 1000;
    report.failed(new Error("still"));
  }
  expect(records).toHaveLength(1);
  now += 10_000;
  report.failed("not an Error");
  expect(records).toHaveLength(2);
  expect(records[1]).toMatchObject({ level: "error", error: "not an Error", failures: 52, notLogged: 50 });
  report.succeeded();
  report.succeeded();
  expect(records).toHaveLength(3);
  expect(records[2]).toMatchObject({ level: "info", event: "indexing works again", failures: 52 });
  // A new stretch of failures is logged at once again.
  now += 1000;
  report.failed(new Error("again"));
  expect(records[3]).toMatchObject({ level: "error", error: "again", failures: 1 });
  expect(records[3]!.notLogged).toBeUndefined();
});
