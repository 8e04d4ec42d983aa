import type { Subprocess } from "bun";
import { join } from "node:path";
import type { Job, WorkerResult } from "../gen/worker.ts";
import { GENERATOR_CORE, pinned } from "./pin.ts";
import { cpuSeconds, rssBytes, treeCpuSeconds } from "./proc.ts";
import { latencyHistogram, runResult } from "./result.ts";
import type { RunResult } from "./types.ts";
import * as hdr from "hdr-histogram-js";

const WORKER = join(import.meta.dir, "../gen/worker.ts");

export interface LoadSpec extends Omit<Job, "proc" | "nicks"> {
  nicks: string[];
  /** Generator processes; clients are split between them. */
  procs: number;
  warmupSeconds: number;
  measureSeconds: number;
  /** Seconds allowed for every client to connect and log in. */
  readySeconds: number;
}

/** The server under test: its process, and helpers whose CPU counts separately (PostgreSQL). */
export interface Target {
  pid: number;
  helperPid?: number;
}

/** A running set of generator processes with their clients connected and ready. */
export class Generators {
  private constructor(private readonly workers: Worker[]) {}

  static async start(spec: LoadSpec): Promise<Generators> {
    const workers: Worker[] = [];
    for (let proc = 0; proc < spec.procs; proc++) {
      const { procs, warmupSeconds, measureSeconds, readySeconds, ...rest } = spec;
      const job: Job = {
        ...rest,
        proc,
        nicks: spec.nicks.filter((_, i) => i % procs === proc),
        ratePerSec: spec.ratePerSec === undefined ? undefined : spec.ratePerSec / procs,
      };
      workers.push(new Worker(job));
    }
    const generators = new Generators(workers);
    try {
      await withTimeout(Promise.all(workers.map((w) => w.expect("ready"))), spec.readySeconds, "clients to connect and log in");
    } catch (e) {
      generators.kill();
      throw e;
    }
    return generators;
  }

  tell(command: string) {
    for (const w of this.workers) w.tell(command);
  }

  async results(): Promise<WorkerResult[]> {
    this.tell("stop");
    const replies = await withTimeout(Promise.all(this.workers.map((w) => w.expect("result"))), 30, "generator results");
    return replies.map((r) => r.result as WorkerResult);
  }

  get pids() {
    return this.workers.map((w) => w.process.pid);
  }

  async exit() {
    this.tell("exit");
    await withTimeout(Promise.all(this.workers.map((w) => w.process.exited)), 10, "generators to exit").catch(() => this.kill());
  }

  kill() {
    for (const w of this.workers) w.process.kill(9);
  }
}

/** Runs warm-up then the measured window, and turns what the generators and /proc saw into a result. */
export async function measure(target: Target, gens: Generators, spec: LoadSpec): Promise<RunResult> {
  gens.tell("start");
  await Bun.sleep(spec.warmupSeconds * 1000);
  const cpu0 = cpuSeconds(target.pid);
  const helper0 = target.helperPid ? treeCpuSeconds(target.helperPid) : 0;
  gens.tell("measure");
  const t0 = performance.now();
  await Bun.sleep(spec.measureSeconds * 1000);
  const results = await gens.results();
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = (cpuSeconds(target.pid) - cpu0) / seconds;
  const helperCpu = target.helperPid ? (treeCpuSeconds(target.helperPid) - helper0) / seconds : null;
  return summarize(results, seconds, serverCpu, helperCpu, rssBytes(target.pid));
}

export function summarize(results: WorkerResult[], seconds: number, serverCpu: number, helperCpu: number | null, rss: number): RunResult {
  const histogram = latencyHistogram();
  for (const r of results) histogram.add(hdr.decodeFromCompressedBase64(r.histogram));
  const deliveries = results.reduce((n, r) => n + r.deliveries, 0);
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const generatorCpu = results.reduce((n, r) => n + r.cpuSeconds / r.seconds, 0);
  const notes: string[] = [];
  const closed = results.reduce((n, r) => n + r.closed, 0);
  if (closed) notes.push(`${closed} clients were disconnected (${[...new Set(results.flatMap((r) => r.reasons))].join("; ")})`);
  if (helperCpu !== null) notes.push(`PostgreSQL used ${helperCpu.toFixed(2)} cores`);
  return runResult({ count: deliveries, sent, seconds, histogram, serverCpu, generatorCpu, rssBytes: rss, notes });
}

class Worker {
  readonly process: Subprocess<"pipe", "pipe", "inherit">;
  private buffered = "";
  private readonly waiting: { event: string; resolve(v: any): void; reject(e: Error): void }[] = [];

  constructor(job: Job) {
    this.process = Bun.spawn(pinned(GENERATOR_CORE, [process.execPath, ...(process.env.BENCH_PROFILE_GENERATOR ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_GENERATOR] : []), WORKER, JSON.stringify(job)]), {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    });
    void this.read();
  }

  tell(command: string) {
    this.process.stdin.write(command + "\n");
    void this.process.stdin.flush();
  }

  expect(event: string): Promise<any> {
    return new Promise((resolve, reject) => this.waiting.push({ event, resolve, reject }));
  }

  private async read() {
    const decoder = new TextDecoder();
    const reader = this.process.stdout.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      this.buffered += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = this.buffered.indexOf("\n")) !== -1) {
        const message = JSON.parse(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
        const i = this.waiting.findIndex((w) => w.event === message.event);
        if (message.event === "error") for (const w of this.waiting.splice(0)) w.reject(new Error(message.message));
        else if (i !== -1) this.waiting.splice(i, 1)[0]!.resolve(message);
      }
    }
    for (const w of this.waiting.splice(0)) w.reject(new Error("generator exited"));
  }
}

export function withTimeout<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${seconds} s waiting for ${what}`)), seconds * 1000);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
