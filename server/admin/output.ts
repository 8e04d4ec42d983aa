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
    line: (text) => process.stdout.write(text + "\n"),
  };
}

export function bold(out: Output, text: string): string {
  return out.color ? `\x1b[1m${text}\x1b[22m` : text;
}

/** Columns under a header, padded by character count (nicks may be any script). */
export function table(out: Output, headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? "")].length)));
  const render = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(widths[i]! - [...cell].length + 2))).join("");
  return [bold(out, render(headers)), ...rows.map(render)].join("\n");
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
  const text = d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  return now ? `${text} (${formatDuration((now.getTime() - d.getTime()) / 1000)} ago)` : text;
}
