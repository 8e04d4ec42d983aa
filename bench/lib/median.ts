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
    ...(runs.some((r) => r.crossNodeP99Ms !== undefined) ? { crossNodeP99Ms: medianOrNull(runs.map((r) => r.crossNodeP99Ms ?? null)) } : {}),
    cpuSecPerMillion: medianOrNull(pick("cpuSecPerMillion")),
    serverCpu: medianOrNull(pick("serverCpu")),
    generatorCpu: medianOrNull(pick("generatorCpu")),
    serverRssMiB: medianOrNull(pick("serverRssMiB")),
    ...(runs.some((r) => r.bytesPerConnection !== undefined)
      ? { bytesPerConnection: medianOrNull(runs.map((r) => r.bytesPerConnection ?? null)) ?? undefined }
      : {}),
    flagged: runs.some((r) => r.flagged),
    notes: mergeNotes(runs.flatMap((r) => r.notes ?? [])),
  };
}

/**
 * The runs' notes, each once; notes that differ only in their one figure ("PostgreSQL used 0.09
 * cores", "… 0.10 cores") become one with the figures' range, rather than one per run.
 */
export function mergeNotes(notes: string[]): string[] {
  const NUMBER = /\d+(?:\.\d+)?/g;
  const byShape = new Map<string, string[]>();
  for (const note of new Set(notes)) {
    const shape = note.replace(NUMBER, "#");
    byShape.set(shape, [...(byShape.get(shape) ?? []), note]);
  }
  return [...byShape.entries()].flatMap(([shape, same]) => {
    if (same.length === 1 || shape.split("#").length !== 2) return same;
    const figures = same.map((n) => n.match(NUMBER)![0]).sort((a, b) => Number(a) - Number(b));
    return [shape.replace("#", `${figures[0]}-${figures.at(-1)}`)];
  });
}
