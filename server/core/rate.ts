/**
 * Events per second over a sliding window of whole seconds: a ring of per-second counts,
 * so counting costs the same however busy the server is.
 */
export class RateCounter {
  private readonly counts: number[];
  /** The second (since the epoch) each slot counts; a slot from an older lap is stale. */
  private readonly seconds: number[];

  constructor(private readonly window: number, private readonly now: () => number = Date.now) {
    this.counts = new Array(window).fill(0);
    this.seconds = new Array(window).fill(-1);
  }

  add(n = 1) {
    const second = Math.floor(this.now() / 1000);
    const slot = second % this.window;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += n;
  }

  /** Events in the last `window` seconds (this one included). */
  total(): number {
    const oldest = Math.floor(this.now() / 1000) - this.window;
    let sum = 0;
    for (let i = 0; i < this.window; i++) if (this.seconds[i]! > oldest) sum += this.counts[i]!;
    return sum;
  }

  perSecond(): number {
    return this.total() / this.window;
  }
}
