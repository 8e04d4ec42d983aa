/** Lets a test client sleep until something arrives, or a deadline passes, whichever is first. */
export class Signal {
  private waiters: (() => void)[] = [];

  wait(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Resolves with the first result of `probe` that is not undefined, trying it again after each
   * wake. Rejects with `fail()` once `deadline` has passed; `probe` may throw to give up sooner.
   */
  async until<T>(probe: () => T | undefined, deadline: number, fail: () => string): Promise<T> {
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(fail());
      await this.wait(deadline);
    }
  }
}
