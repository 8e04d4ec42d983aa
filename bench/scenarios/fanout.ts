import { Generator, measure, type LoadSpec } from "../lib/load.ts";
import { medianRun } from "../lib/median.ts";
import { runResult } from "../lib/result.ts";
import type { Row, RunResult } from "../lib/types.ts";
import { BENCH_PASSWORD, benchNicks, perRound, type Target } from "./targets.ts";

// Everyone in one room sends: closed-loop rounds (fan-out throughput) or a fixed rate (latency).

export interface LoadPlan {
  scenario: string;
  sizes: number[];
  targets: Target[];
  runs: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Fixed deliveries per second (open loop); absent means closed loop. */
  deliveriesPerSec?: number;
  log?(line: string): void;
}

/** Each size and target, `runs` times, interleaved so that drift over time hits everyone alike. */
export async function runPlan(plan: LoadPlan): Promise<Row[]> {
  // Installs what is missing (the IRC daemons; only a full run may) before any run starts; throws when it cannot.
  for (const target of plan.targets) target.prepare?.();
  const runs = new Map<string, RunResult[]>();
  for (const clients of plan.sizes) {
    for (let run = 0; run < plan.runs; run++) {
      for (const target of plan.targets) {
        const result = await once(plan, target, clients).catch((e): RunResult => failed(String(e)));
        plan.log?.(`${plan.scenario} ${clients} clients, ${target.name} (${target.protocol}) run ${run + 1}: ` +
          `${Math.round(result.deliveriesPerSec)} deliveries/s, p50/p99/p99.9 ${result.p50Ms?.toFixed(2)}/${result.p99Ms?.toFixed(2)}/${result.p999Ms?.toFixed(2)} ms, ${result.crossNodeP99Ms != null ? `cross-node p99 ${result.crossNodeP99Ms.toFixed(2)} ms, ` : ""}server CPU ${result.serverCpu?.toFixed(2)}, generator CPU ${result.generatorCpu?.toFixed(2)}${result.flagged ? " FLAGGED" : ""}${result.notes?.length ? ` (${result.notes.join("; ")})` : ""}`);
        const key = `${clients}\t${target.name}`;
        runs.set(key, [...(runs.get(key) ?? []), result]);
      }
    }
  }
  return [...runs].map(([key, results]) => {
    const [clients, server] = key.split("\t") as [string, string];
    return { scenario: plan.scenario, variant: `${clients} clients`, server, clients: Number(clients), runs: results, median: medianRun(results) };
  });
}

async function once(plan: LoadPlan, target: Target, clients: number): Promise<RunResult> {
  const server = await target.start(clients);
  try {
    const fanout = perRound(target, clients);
    const spec: LoadSpec = {
      protocol: target.protocol,
      hosts: ["127.0.0.1"],
      port: server.port,
      ports: server.ports,
      nicks: benchNicks(clients),
      password: BENCH_PASSWORD,
      mode: plan.deliveriesPerSec ? "open" : "closed",
      expectedPerRound: fanout,
      ratePerSec: plan.deliveriesPerSec ? plan.deliveriesPerSec / fanout : undefined,
      payloadBytes: target.payloadBytes ?? 64,
      // The same lines for every client, each with its own nick put in by the generator.
      afterWelcome: server.afterWelcome?.("{nick}"),
      // ngIRCd's listen backlog is 10: more connections at once wait a second for a SYN retry.
      connectConcurrency: target.protocol === "irc" ? 10 : 50,
      warmupSeconds: plan.warmupSeconds,
      measureSeconds: plan.measureSeconds,
      readySeconds: 120,
    };
    const gen = await Generator.start(spec);
    try {
      await server.settled?.();
      return await measure(server, gen, spec);
    } finally {
      await gen.exit();
    }
  } finally {
    await server.stop();
  }
}

function failed(error: string): RunResult {
  return runResult({ count: 0, sent: 0, seconds: 1, serverCpu: null, generatorCpu: null, rssBytes: null, notes: [`failed: ${error}`] });
}
