import type { Subprocess } from "bun";
import { join } from "node:path";
import type { Job, WorkerResult } from "../gen/worker.ts";
import { GENERATOR_CORE, pinned } from "./pin.ts";
import { cpuSeconds, rssBytes, treeCpuSeconds } from "./proc.ts";
import { latencyHistogram, runResult } from "./result.ts";
import type { RunResult } from "./types.ts";
import * as hdr from "hdr-histogram-js";

const WORKER = join(import.meta.dir, "../gen/worker.ts");

export interface LoadSpec extends Omit<Job, "proc"> {
  warmupSeconds: number;
  measureSeconds: number;
  /** Seconds allowed for every client to connect and log in. */
  readySeconds: number;
}

/** The server under test: its process, and helpers whose CPU counts separately (PostgreSQL). */
export interface MeasuredServer {
  pid: number;
  /** Several processes (a cluster's nodes): server CPU is theirs added up. */
  pids?: number[];
  helperPid?: number;
}

/** A generator process with its clients connected and ready. */
export class Generator {
  private constructor(private readonly worker: Worker) {}

  static async start(spec: LoadSpec): Promise<Generator> {
    const { warmupSeconds, measureSeconds, readySeconds, ...job } = spec;
    const generator = new Generator(new Worker({ ...job, proc: 0 }));
    try {
      await withTimeout(generator.worker.expect("ready"), readySeconds, "clients to connect and log in");
    } catch (e) {
      generator.kill();
      throw e;
    }
    return generator;
  }

  tell(command: string) {
    this.worker.tell(command);
  }

  async result(): Promise<WorkerResult> {
    this.tell("stop");
    const reply = await withTimeout(this.worker.expect("result"), 30, "generator results");
    return reply.result as WorkerResult;
  }

  async exit() {
    this.tell("exit");
    await withTimeout(this.worker.process.exited, 10, "generator to exit").catch(() => this.kill());
  }

  kill() {
    this.worker.process.kill(9);
  }
}

/** Runs warm-up then the measured window, and turns what the generator and /proc saw into a result. */
export async function measure(server: MeasuredServer, gen: Generator, spec: LoadSpec): Promise<RunResult> {
  gen.tell("start");
  await Bun.sleep(spec.warmupSeconds * 1000);
  const serverSeconds = () => (server.pids ?? [server.pid]).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const cpu0 = serverSeconds();
  const helper0 = server.helperPid ? treeCpuSeconds(server.helperPid) : 0;
  gen.tell("measure");
  const t0 = performance.now();
  await Bun.sleep(spec.measureSeconds * 1000);
  const result = await gen.result();
  const seconds = (performance.now() - t0) / 1000;
  const serverCpu = (serverSeconds() - cpu0) / seconds;
  const helperCpu = server.helperPid ? (treeCpuSeconds(server.helperPid) - helper0) / seconds : null;
  return summarize(result, seconds, serverCpu, helperCpu, rssBytes(server.pid));
}

function summarize(r: WorkerResult, seconds: number, serverCpu: number, helperCpu: number | null, rss: number): RunResult {
  const histogram = latencyHistogram();
  histogram.add(hdr.decodeFromCompressedBase64(r.histogram));
  let crossHistogram;
  if (r.crossHistogram) {
    crossHistogram = latencyHistogram();
    crossHistogram.add(hdr.decodeFromCompressedBase64(r.crossHistogram));
  }
  const notes: string[] = [];
  if (r.closed) notes.push(`${r.closed} clients were disconnected (${r.reasons.join("; ")})`);
  if (helperCpu !== null) notes.push(`PostgreSQL used ${helperCpu.toFixed(2)} cores`);
  return runResult({
    count: r.deliveries, sent: r.sent, seconds, histogram, crossHistogram, serverCpu, generatorCpu: r.cpuSeconds / r.seconds, rssBytes: rss, notes,
  });
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
