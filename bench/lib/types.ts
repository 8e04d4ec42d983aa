// What every benchmark run reports, so scenarios, the report and the chart speak one shape.

/** One run of one server under one load. */
export interface RunResult {
  /** Deliveries (a message received by one client) per second over the measured window. */
  deliveriesPerSec: number;
  /** Messages sent (or stored, for persistence runs) per second over the measured window. */
  messagesPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  /** A cluster: p99 of the deliveries to a client on another node than the sender's (issue 16's figure). */
  crossNodeP99Ms?: number | null;
  /** Server CPU-seconds (user + system, /proc/<pid>/stat) per million deliveries (or stored messages). */
  cpuSecPerMillion: number | null;
  /** Server CPU use over the window, 1.0 = one full core. */
  serverCpu: number | null;
  /** Load generator CPU use over the window, 1.0 = one full core. */
  generatorCpu: number | null;
  serverRssMiB: number | null;
  /** The generator was saturated while the server was not: the run measured the generator. */
  flagged: boolean;
  /** Idle runs: server RSS per connection, fitted over the steps after a forced GC. */
  bytesPerConnection?: number;
  /** Anything a reader should know about this run (errors, disconnects, notes). */
  notes?: string[];
}

/** One line of the results table: one server, one scenario, the median of its runs. */
export interface Row {
  scenario: string;
  /** What varies within the scenario, e.g. "100 clients". */
  variant: string;
  /** "chat" for us; a peer's name otherwise. */
  server: string;
  clients?: number;
  runs: RunResult[];
  median: RunResult;
  /** The day it was measured (YYYY-MM-DD): a report can hold scenarios re-run on different days. */
  date?: string;
}
