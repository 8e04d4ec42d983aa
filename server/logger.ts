import type { Log } from "./core/log.ts";

type Level = "info" | "warn" | "error";

export interface LogRecord {
  time: string;
  level: Level;
  event: string;
  [field: string]: unknown;
}

/** Where log lines go: each output gets JSON, or a readable line when `pretty`. */
export interface LogOutput {
  pretty: boolean;
  write(line: string): void;
}

export const stdoutOutput: LogOutput = {
  pretty: process.stdout.isTTY === true,
  write: (line) => process.stdout.write(line + "\n"),
};

/** Structured log lines: JSON when piped, a readable line on a terminal. */
export function createLogger(outputs: LogOutput[] = [stdoutOutput]): Log {
  const emit = (level: Level, event: string, fields: Record<string, unknown> = {}) => {
    const record: LogRecord = { time: new Date().toISOString(), level, event, ...fields };
    const json = JSON.stringify(record);
    for (const out of outputs) out.write(out.pretty ? prettyLine(record) : json);
  };
  return {
    info: (e, f) => emit("info", e, f),
    warn: (e, f) => emit("warn", e, f),
    error: (e, f) => emit("error", e, f),
  };
}

export function prettyLine({ time, level, event, ...fields }: LogRecord): string {
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
  return `${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} ${event}${rest ? " " + rest : ""}`;
}
