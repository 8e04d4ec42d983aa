import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { SCENARIOS } from "../lib/scenarios.ts";
import type { Row } from "../lib/types.ts";
import { verdicts } from "./targets.ts";
import { STARTUP, startupTable } from "../scenarios/startup.ts";

// The generated half of docs/BENCHMARKS.md. Text outside the markers is written by people and kept.

export interface Machine {
  cpu: string;
  memoryGiB: number;
  kernel: string;
  bun: string;
  node: string;
  fileLimit: number;
  date: string;
}

const START = "<!-- results:start (written by npm run bench; edits inside are lost) -->";
const END = "<!-- results:end -->";

const COMMANDS: Record<string, string> = Object.fromEntries(SCENARIOS.map((s) => [s.title, `npm run bench -- --only ${s.cli}`]));

export function writeReport(path: string, rows: Row[], machine: Machine) {
  const generated = [START, results(rows, machine), END].join("\n");
  const old = existsSync(path) ? readFileSync(path, "utf8") : `# Benchmarks\n\n${START}\n${END}\n`;
  const from = old.indexOf(START);
  const to = old.indexOf(END);
  const next = from === -1 || to === -1 ? `${old.trimEnd()}\n\n${generated}\n` : old.slice(0, from) + generated + old.slice(to + END.length);
  writeFileSync(path, next);
}

export function results(rows: Row[], m: Machine): string {
  const out: string[] = [];
  out.push(`Machine, as of the last run (${m.date}): ${m.cpu}, ${m.memoryGiB} GiB, ${m.kernel}, Bun ${m.bun}, Node ${m.node}, open-file limit ${m.fileLimit}. ` +
    "Server on core 0, load generator on core 1 (`taskset`); every figure is the median of the runs listed in benchmarks.json.");
  out.push("", "![deliveries per second and p99 latency against clients](benchmarks.svg)", "");
  out.push("### Targets", "", "| scenario | target | measured | met |", "| --- | --- | --- | --- |");
  for (const v of verdicts(rows)) out.push(`| ${v.scenario} | ${v.target} | ${v.measured} | ${v.met === null ? "n/a" : v.met ? "yes" : "**no**"} |`);
  for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
    const dates = [...new Set(rows.filter((r) => r.scenario === scenario && r.date).map((r) => r.date))].join(", ");
    out.push("", `### ${scenario}`, "", `Reproduce: \`${COMMANDS[scenario] ?? "npm run bench"}\`${dates ? ` (measured ${dates})` : ""}`, "");
    const these = rows.filter((r) => r.scenario === scenario);
    out.push(scenario === "idle connections" ? idleTable(these) : scenario === STARTUP ? startupTable(these) : loadTable(these));
  }
  return out.join("\n");
}

const num = (n: number | null | undefined, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function loadTable(rows: Row[]): string {
  const persistence = rows[0]?.scenario === "persistence";
  const lines = [
    `| ${persistence ? "store" : "clients"} | server | ${persistence ? "messages/s" : "deliveries/s"} | ours ÷ this | p50 ms | p99 ms | p99.9 ms | server CPU | CPU-s per M | RSS MiB | notes |`,
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const variant of [...new Set(rows.map((r) => r.variant))]) {
    const group = rows.filter((r) => r.variant === variant);
    const rate = (r: Row) => (persistence ? r.median.messagesPerSec : r.median.deliveriesPerSec);
    const ours = group.find((r) => r.server.startsWith("chat"));
    for (const r of group) {
      const m = r.median;
      const ratio = ours && !r.server.startsWith("chat") && rate(r) ? `${(rate(ours) / rate(r)).toFixed(2)}×` : "";
      const crossNode = m.crossNodeP99Ms != null ? [`cross-node p99 ${num(m.crossNodeP99Ms, 2)} ms`] : [];
      const notes = [...(m.flagged ? ["**generator-bound**"] : []), ...crossNode, ...(m.notes ?? [])].join("; ");
      lines.push(`| ${r.variant} | ${r.server.startsWith("chat") ? `**${r.server}**` : r.server} | ${num(rate(r))} | ${ratio} | ${num(m.p50Ms, 2)} | ${num(m.p99Ms, 2)} | ${num(m.p999Ms, 2)} | ${num(m.serverCpu, 2)} | ${num(m.cpuSecPerMillion, 2)} | ${num(m.serverRssMiB, 0)} | ${notes} |`);
    }
  }
  return lines.join("\n");
}

function idleTable(rows: Row[]): string {
  const lines = ["| connections (half telnet, half WebSocket) | server RSS MiB | RSS per connection, fitted from 0 | ", "| ---: | ---: | ---: |"];
  for (const r of rows) lines.push(`| ${r.clients?.toLocaleString("en-US")} | ${num(r.median.serverRssMiB, 1)} | ${num((r.median.bytesPerConnection ?? NaN) / 1024, 2)} KB |`);
  return lines.join("\n");
}
