import type { RunResult } from "./types.ts";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const medianOrNull = (xs: (number | null)[]) => {
  const present = xs.filter((x): x is number => x !== null);
  return present.length ? median(present) : null;
};

/** Each figure is the median of that figure over the runs; a run flagged once flags the row. */
export function medianRun(runs: RunResult[]): RunResult {
  const pick = <K extends keyof RunResult>(k: K) => runs.map((r) => r[k] as number | null);
  return {
    deliveriesPerSec: median(runs.map((r) => r.deliveriesPerSec)),
    messagesPerSec: median(runs.map((r) => r.messagesPerSec)),
    p50Ms: medianOrNull(pick("p50Ms")),
    p99Ms: medianOrNull(pick("p99Ms")),
    p999Ms: medianOrNull(pick("p999Ms")),
    cpuSecPerMillion: medianOrNull(pick("cpuSecPerMillion")),
    serverCpu: medianOrNull(pick("serverCpu")),
    generatorCpu: medianOrNull(pick("generatorCpu")),
    serverRssMiB: medianOrNull(pick("serverRssMiB")),
    ...(runs.some((r) => r.bytesPerConnection !== undefined)
      ? { bytesPerConnection: medianOrNull(runs.map((r) => r.bytesPerConnection ?? null)) ?? undefined }
      : {}),
    flagged: runs.some((r) => r.flagged),
    notes: [...new Set(runs.flatMap((r) => r.notes ?? []))],
  };
}
