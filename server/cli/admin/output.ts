import { formatDate, table as columns } from "../../render/layout.ts";
import { formatDuration } from "./duration.ts";

/** Where `chat admin` prints: JSON for scripts, or tables and colour (unless NO_COLOR) for people. */
export interface Output {
  json: boolean;
  color: boolean;
  line(text: string): void;
}

export function terminalOutput(json: boolean, env: Record<string, string | undefined> = process.env): Output {
  return {
    json,
    // https://no-color.org: any non-empty NO_COLOR turns colour off.
    color: !env.NO_COLOR && process.stdout.isTTY === true,
    // console.log writes before it returns; process.stdout.write to a pipe may not, and main's
    // process.exit then cut `chat admin --json log -n 5000 | less` at the pipe's 64 KiB (Bun 1.4.5).
    line: (text) => console.log(text),
  };
}

export function bold(out: Output, text: string): string {
  return out.color ? `\x1b[1m${text}\x1b[22m` : text;
}

/** Columns under a bold header. */
export function table(out: Output, headers: string[], rows: string[][]): string {
  const [head, ...body] = columns([headers, ...rows], Infinity, "");
  return [bold(out, head!), ...body].join("\n");
}

/** Label and value pairs, one a line. */
export function fields(out: Output, pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${bold(out, k.padEnd(width))}  ${v}`).join("\n");
}

/** "2026-11-22 14:05 UTC", and how long ago when `now` is given. */
export function when(iso: string | Date | null, now?: Date): string {
  if (iso === null) return "-";
  const d = new Date(iso);
  const text = formatDate(d);
  return now ? `${text} (${formatDuration((now.getTime() - d.getTime()) / 1000)} ago)` : text;
}
