import type { Log } from "../core/log.ts";

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

/** A log record as a person reads it; a value from a client cannot drive the terminal that shows it. */
export function prettyLine({ time, level, event, ...fields }: LogRecord): string {
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
  return printable(`${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} ${event}${rest ? " " + rest : ""}`);
}

// C0 controls (newlines and tabs too), DEL, C1 controls and the bidi embeddings, overrides and isolates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as a JSON-style `\uXXXX` escape. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
