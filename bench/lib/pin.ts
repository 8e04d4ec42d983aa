import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { descendants } from "./proc.ts";

// Two cores: the server under test gets one, the load generator the other, so neither steals
// the other's time. Pinning after start covers servers that fork (PostgreSQL, ngircd's daemon).
export const SERVER_CORE = 0;
export const GENERATOR_CORE = 1;

// Only a full `npm run bench` pins (main.ts calls allowPinning()); until then every pin below is a
// no-op. Tests and --quick runs share the machine with whatever else runs, and a pin lasts as long
// as its process: the test runner itself would stay squeezed onto one core for the rest of the run.
let allowed = false;
export function allowPinning() {
  allowed = true;
}

/** Pins a process and all its threads; children forked later inherit the mask. */
export function pin(pid: number, core: number) {
  if (!allowed) return;
  const r = spawnSync("taskset", ["-a", "-cp", String(core), String(pid)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`taskset failed for pid ${pid}: ${r.stderr.trim()}`);
}

/**
 * Pins a process and every descendant it has already forked (PostgreSQL's WAL writer,
 * checkpointer and backends: pinning the postmaster alone would miss them). A descendant that
 * exits before it is pinned is skipped.
 */
export function pinTree(pid: number, core: number) {
  if (!allowed) return;
  pin(pid, core);
  for (const child of descendants(pid)) {
    try {
      pin(child, core);
    } catch (e) {
      if (existsSync(`/proc/${child}`)) throw e;
    }
  }
}

/** argv prefixed so the process starts on `core` (unchanged when pinning is not allowed). */
export function pinned(core: number, argv: string[]): string[] {
  return allowed ? ["taskset", "-c", String(core), ...argv] : argv;
}
