import { Generator } from "../lib/load.ts";
import { medianRun } from "../lib/median.ts";
import { rssBytes } from "../lib/proc.ts";
import { runResult } from "../lib/result.ts";
import { title } from "../lib/scenarios.ts";
import type { Row, RunResult } from "../lib/types.ts";
import { BENCH_PASSWORD, benchNicks, type Target } from "./targets.ts";

// Memory per idle connection: open connections in steps, half telnet and half WebSocket, force a
// GC in the server at each step, and fit RSS against the number of connections.

export interface IdlePlan {
  /** Connection counts to measure at, ascending; 0 is measured first in every case. */
  steps: number[];
  runs: number;
  tcp: Target;
  ws: Target;
  /** Connections one generator process holds (each has its own file-descriptor limit). */
  perGenerator: number;
  /** Pause after each forced collection before RSS is read again (500 ms unless given: a --quick run checks the harness, not the number). */
  settleMs?: number;
  log?(line: string): void;
}

// Each 127.0.0.x is another destination, so another ~28k ephemeral ports.
const HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];

export async function idle(plan: IdlePlan): Promise<Row[]> {
  const results: RunResult[][] = plan.steps.map(() => []);
  for (let run = 0; run < plan.runs; run++) {
    const points = await once(plan);
    const fit = slope(points);
    plan.log?.(`idle run ${run + 1}: ${points.map(([n, rss]) => `${n} → ${(rss / 2 ** 20).toFixed(1)} MiB`).join(", ")}; fitted ${fit.toFixed(0)} B/connection`);
    plan.steps.forEach((n, i) => {
      const upTo = points.filter(([c]) => c <= n);
      results[i]!.push({
        ...runResult({ count: 0, sent: 0, seconds: 1, serverCpu: null, generatorCpu: null, rssBytes: points.find(([c]) => c === n)![1] }),
        bytesPerConnection: upTo.length > 1 ? slope(upTo) : undefined,
      });
    });
  }
  return plan.steps.filter((n) => n > 0).map((n) => {
    const i = plan.steps.indexOf(n);
    return { scenario: title("idle"), variant: `${n} connections`, server: "chat", clients: n, runs: results[i]!, median: medianRun(results[i]!) };
  });
}

async function once(plan: IdlePlan): Promise<[number, number][]> {
  // One server; the WebSocket clients use its HTTP port.
  const server = await plan.tcp.start(0);
  const points: [number, number][] = [];
  const generators: Generator[] = [];
  try {
    let open = 0;
    for (const n of plan.steps) {
      while (open < n) {
        const batch = Math.min(plan.perGenerator, n - open);
        const half = Math.floor(batch / 2);
        generators.push(await idleGenerator(plan.tcp, server.port, half, open));
        generators.push(await idleGenerator(plan.ws, server.httpPort!, batch - half, open + half));
        open += batch;
      }
      points.push([n, await settledRss(server.pid, server.gc!, plan.settleMs ?? 500)]);
      plan.log?.(`  ${n} idle connections: ${(points.at(-1)![1] / 2 ** 20).toFixed(1)} MiB`);
    }
    return points;
  } finally {
    for (const g of generators) await g.exit();
    await server.stop();
  }
}

function idleGenerator(target: Target, port: number, count: number, first: number) {
  return Generator.start({
    protocol: target.protocol,
    hosts: HOSTS,
    port,
    nicks: benchNicks(first + count).slice(first),
    password: BENCH_PASSWORD,
    mode: "idle",
    expectedPerRound: 0,
    payloadBytes: 64,
    connectConcurrency: 100,
    warmupSeconds: 0,
    measureSeconds: 0,
    readySeconds: 180,
  });
}

/** RSS after forced collections, once it stops moving. */
async function settledRss(pid: number, gc: () => void, settleMs: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < 5; i++) {
    gc();
    await Bun.sleep(settleMs);
    const rss = rssBytes(pid);
    if (last && Math.abs(rss - last) < 256 * 1024) return rss;
    last = rss;
  }
  return last;
}

/** Least-squares slope of RSS against connections: bytes each connection adds. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx ? sxy / sxx : 0;
}
