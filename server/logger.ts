import type { Log } from "./core/log.ts";

type Level = "info" | "warn" | "error";

/** Structured log lines: JSON when piped, a readable line on a terminal. */
export function createLogger(write: (line: string) => void = (l) => process.stdout.write(l + "\n"), pretty = process.stdout.isTTY === true): Log {
  const emit = (level: Level, event: string, fields: Record<string, unknown> = {}) => {
    const time = new Date().toISOString();
    if (pretty) {
      const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ");
      write(`${time.slice(11, 19)} ${level.toUpperCase().padEnd(5)} ${event}${rest ? " " + rest : ""}`);
    } else {
      write(JSON.stringify({ time, level, event, ...fields }));
    }
  };
  return {
    info: (e, f) => emit("info", e, f),
    warn: (e, f) => emit("warn", e, f),
    error: (e, f) => emit("error", e, f),
  };
}
