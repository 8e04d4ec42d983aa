import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

// PGlite keeps the whole database in one process's memory and writes it back on its own schedule:
// two processes on one folder each believe they own it, and whatever one of them wrote is lost
// (measured: sixty acknowledged messages gone). So whoever opens the embedded store holds
// `<dataDir>/chat.lock` for as long as it has it open.

export const LOCK_FILE = "chat.lock";

interface Holder {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux): a reused pid is not the holder. */
  start: string | null;
  since: string;
}

/** The data folder is used by another live process; the message is the one line the user reads. */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`${dataDir} is in use by another chat server (pid ${pid})`);
  }
}

/** Takes the folder's lock, or throws DataDirInUseError; a lock left by a dead process is taken over. */
export function lockDataDir(dataDir: string): { release(): void } {
  const path = join(dataDir, LOCK_FILE);
  const me: Holder = { pid: process.pid, start: startTime(process.pid), since: new Date().toISOString() };
  const text = JSON.stringify(me) + "\n";
  // A few rounds: another process may be taking over the same stale lock at the same moment.
  for (let round = 0; round < 5; round++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return { release: () => releaseIfMine(path, text) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const seen = readHolder(path);
    if (seen === undefined) continue; // gone between our open and our read: try again
    if (seen && alive(seen)) throw new DataDirInUseError(dataDir, seen.pid);
    takeOverStale(path, seen);
  }
  throw new Error(`${dataDir}: could not take ${LOCK_FILE}; another process keeps changing it`);
}

/**
 * Moves the stale lock aside under a name of our own (rename is atomic, so of two processes doing
 * this only one gets the file), and puts it back if what we moved is no longer the stale one.
 */
function takeOverStale(path: string, stale: Holder | null) {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  const moved = readHolder(aside);
  if (moved && (!stale || moved.pid !== stale.pid || moved.start !== stale.start) && alive(moved)) {
    // Someone took the lock between our read and our rename: it is theirs, give it back.
    renameSync(aside, path);
    return;
  }
  rmSync(aside, { force: true });
}

function releaseIfMine(path: string, text: string) {
  try {
    if (readFileSync(path, "utf8") === text) rmSync(path, { force: true });
  } catch {
    // Already gone: nothing to release.
  }
}

/** The lock's holder; null for an unreadable or half-written file (stale), undefined when there is none. */
function readHolder(path: string): Holder | null | undefined {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(raw) as Holder;
    return Number.isInteger(h.pid) && h.pid > 0 ? h : null;
  } catch {
    // Empty: a holder writing it right now (try again shortly), or one killed before it could.
    if (raw === "" && recent(path)) {
      Bun.sleepSync(50);
      return undefined;
    }
    return null;
  }
}

/** An empty lock file a moment old may be one being written right now. */
function recent(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 2000;
  } catch {
    return false;
  }
}

function alive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    // EPERM: it exists, under another user.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = startTime(h.pid);
  return h.start === null || now === null || now === h.start;
}

/** Field 22 of /proc/<pid>/stat: when the process started. Null where there is no /proc. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
