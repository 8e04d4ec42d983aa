import { expect, test } from "bun:test";
import { mergeRows } from "./main.ts";
import { runResult } from "./lib/result.ts";
import type { Row } from "./lib/types.ts";

const row = (scenario: string, server: string, date: string): Row => {
  const r = runResult({ count: 1, sent: 1, seconds: 1, serverCpu: null, generatorCpu: null, rssBytes: null });
  return { scenario, variant: "100 clients", server, runs: [r], median: r, date };
};

test("a scenario run on its own replaces only its own rows, and the report keeps its order", () => {
  const old = [row("TCP fan-out", "chat (TCP)", "d1"), row("latency", "chat (TCP)", "d1"), row("persistence", "chat", "d1")];
  const merged = mergeRows(old, [row("some new scenario", "chat", "d2"), row("latency", "chat (TCP)", "d2"), row("latency", "ngircd", "d2")]);
  expect(merged.map((r) => `${r.scenario}/${r.server}/${r.date}`)).toEqual([
    "TCP fan-out/chat (TCP)/d1",
    "latency/chat (TCP)/d2",
    "latency/ngircd/d2",
    "persistence/chat/d1",
    "some new scenario/chat/d2",
  ]);
});
