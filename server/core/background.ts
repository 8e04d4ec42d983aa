import type { Log } from "./log.ts";

/**
 * Store writes nobody waits for (read markers, last seen): logged when they fail, and awaited
 * by shutdown before the store closes.
 */
export class Background {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly log: Log) {}

  run(what: string, work: () => Promise<unknown>) {
    const p: Promise<unknown> = work()
      .catch((e) => this.log.error(`${what} failed`, { error: String(e) }))
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain() {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
