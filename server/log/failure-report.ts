import type { Log } from "../core/log.ts";

/** What background work (the search indexer) tells of each pass: it failed, or it went through. */
export interface FailureReport {
  failed(error: unknown): void;
  succeeded(): void;
}

/** At most one line per failing stretch per this long: a database down for an hour is 60 lines, not thousands. */
export const FAILURE_LOG_EVERY_MS = 60_000;

/**
 * Logs a failure that repeats (every poke of a broken database) as errors with the error's text:
 * the first at once, then at most one every `everyMs` saying how many were left out since the last
 * line, and one info line when it works again. `log` is read at each line, so a store opened before
 * the server's logger is wired reports to it all the same.
 */
export function throttledFailures(events: { failed: string; recovered: string }, log: () => Log, everyMs = FAILURE_LOG_EVERY_MS, now = Date.now): FailureReport {
  let failures = 0;
  let unlogged = 0;
  let lastLogged = -Infinity;
  return {
    failed(error) {
      failures++;
      const at = now();
      if (at - lastLogged < everyMs) {
        unlogged++;
        return;
      }
      log().error(events.failed, { error: error instanceof Error ? error.message : String(error), failures, ...(unlogged && { notLogged: unlogged }) });
      lastLogged = at;
      unlogged = 0;
    },
    succeeded() {
      if (!failures) return;
      log().info(events.recovered, { failures });
      failures = 0;
      unlogged = 0;
      lastLogged = -Infinity;
    },
  };
}
