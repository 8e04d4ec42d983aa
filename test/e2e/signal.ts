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
}
