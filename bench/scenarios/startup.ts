import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile, makeSeed } from "../../scripts/compile.ts";
import { medianRun } from "../lib/median.ts";
import type { Row, RunResult } from "../lib/types.ts";

// How long the release binary takes from exec to its `started` line, on an empty folder (a first
// start: the built-in database is unpacked) and on that folder again (warm), and its memory then.
// The figures ride in RunResult's fields: p50Ms is the time to `started`, serverRssMiB the RSS
// once the started server has settled (SETTLE_MS later); the RSS at the line and the peak (VmHWM)
// are in the notes.

export const STARTUP = "startup";

interface Start {
  ms: number;
  /** RSS when `started` is read, and SETTLE_MS later. */
  atLineMiB: number;
  rssMiB: number;
  peakMiB: number;
}

// What an idle server holds, rather than what start-up has freed and not yet given back: the
// allocator returns freed pages after a short delay. Measured on the release binary (5 warm
// starts): 144-153 MiB at the line, 142-145 after 0.2 s, the same after 1 s and 3 s.
const SETTLE_MS = 500;

function status(pid: number, field: "VmRSS" | "VmHWM"): number {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return kb ? Number(kb[1]) / 1024 : NaN;
}

async function startOnce(bin: string, dir: string): Promise<Start> {
  const t0 = performance.now();
  const proc = Bun.spawn([bin, "--host", "127.0.0.1", "--port", "0", "--http-port", "0"], { cwd: dir, stdout: "pipe", stderr: "ignore", env: { PATH: "/usr/bin:/bin" } });
  const reader = proc.stdout.getReader();
  let out = "";
  while (!out.includes('"event":"started"')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chat exited before starting: ${out}`);
    out += new TextDecoder().decode(value);
  }
  const ms = performance.now() - t0;
  const atLineMiB = status(proc.pid, "VmRSS");
  await Bun.sleep(SETTLE_MS);
  const start = { ms, atLineMiB, rssMiB: status(proc.pid, "VmRSS"), peakMiB: status(proc.pid, "VmHWM") };
  proc.kill("SIGTERM");
  await proc.exited;
  return start;
}

const result = (s: Start): RunResult => ({
  deliveriesPerSec: 0, messagesPerSec: 0, p50Ms: s.ms, p99Ms: null, p999Ms: null, cpuSecPerMillion: null,
  serverCpu: null, generatorCpu: null, serverRssMiB: s.rssMiB, flagged: false, notes: [],
});

/** Builds the binary (with a fresh seed, or `seedFrom`'s), then times `runs` first starts and warm starts. */
export async function startup({ runs, seedFrom, log }: { runs: number; seedFrom?: string; log(line: string): void }): Promise<Row[]> {
  const work = mkdtempSync(join(tmpdir(), "chat-bench-startup-"));
  try {
    const bin = join(work, "chat");
    compile({ outfile: bin, seed: await makeSeed(work, seedFrom) });
    const cold: Start[] = [];
    const warm: Start[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(join(work, "run-"));
      cold.push(await startOnce(bin, dir));
      warm.push(await startOnce(bin, dir));
      log(`startup run ${i + 1}: first ${cold.at(-1)!.ms.toFixed(0)} ms, warm ${warm.at(-1)!.ms.toFixed(0)} ms, RSS ${warm.at(-1)!.atLineMiB.toFixed(0)} MiB at the line, ${warm.at(-1)!.rssMiB.toFixed(0)} MiB settled`);
      rmSync(dir, { recursive: true, force: true });
    }
    const row = (variant: string, starts: Start[]): Row => {
      const median = medianRun(starts.map(result));
      const mid = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!.toFixed(0);
      median.notes = [`peak RSS ${mid(starts.map((s) => s.peakMiB))} MiB`, `RSS at the started line ${mid(starts.map((s) => s.atLineMiB))} MiB`];
      return { scenario: STARTUP, variant, server: "chat (binary)", runs: starts.map(result), median };
    };
    return [row("first start (empty folder)", cold), row("warm start", warm)];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The startup rows as a table: time to `started`, RSS once settled and at the line, peak RSS. */
export function startupTable(rows: Row[]): string {
  const out = ["| start | time to `started` | RSS after start (settled) | RSS at the `started` line | peak RSS |", "| --- | --- | --- | --- | --- |"];
  const note = (r: Row, prefix: string) => r.median.notes?.find((n) => n.startsWith(prefix))?.slice(prefix.length) ?? "-";
  for (const r of rows) {
    out.push(`| ${r.variant} | ${r.median.p50Ms?.toFixed(0)} ms | ${r.median.serverRssMiB?.toFixed(0)} MiB | ${note(r, "RSS at the started line ")} | ${note(r, "peak RSS ")} |`);
  }
  return out.join("\n");
}
