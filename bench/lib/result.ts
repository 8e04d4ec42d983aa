import * as hdr from "hdr-histogram-js";
import type { RunResult } from "./types.ts";

// One way to record latency and to turn a measured window into a RunResult, for every scenario.

/** Latency in microseconds, from 1 µs to 2 minutes, to 3 significant digits. */
export function latencyHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

export type Histogram = ReturnType<typeof latencyHistogram>;

export interface Window {
  /** Deliveries (or stored messages, where nothing fans out) in the window. */
  count: number;
  /** Messages sent in the window. */
  sent: number;
  seconds: number;
  histogram?: Histogram;
  /** A cluster: the deliveries that crossed from the sender's node to another. */
  crossHistogram?: Histogram;
  /** Cores used over the window; null where it could not be measured apart from the server. */
  serverCpu: number | null;
  generatorCpu: number | null;
  rssBytes: number | null;
  notes?: string[];
}

export function runResult(w: Window): RunResult {
  const h = w.histogram;
  const pct = (p: number) => (h && h.totalCount ? h.getValueAtPercentile(p) / 1000 : null);
  return {
    deliveriesPerSec: w.count / w.seconds,
    messagesPerSec: w.sent / w.seconds,
    p50Ms: pct(50),
    p99Ms: pct(99),
    p999Ms: pct(99.9),
    ...(w.crossHistogram ? { crossNodeP99Ms: w.crossHistogram.totalCount ? w.crossHistogram.getValueAtPercentile(99) / 1000 : null } : {}),
    cpuSecPerMillion: w.count && w.serverCpu !== null ? (w.serverCpu * w.seconds * 1e6) / w.count : null,
    serverCpu: w.serverCpu,
    generatorCpu: w.generatorCpu,
    serverRssMiB: w.rssBytes === null ? null : w.rssBytes / 2 ** 20,
    // The generator's core was full while the server still had room: we measured the generator.
    flagged: w.generatorCpu !== null && w.serverCpu !== null && w.generatorCpu >= 0.95 && w.serverCpu < 0.9,
    notes: w.notes ?? [],
  };
}
