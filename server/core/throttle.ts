/**
 * A token bucket that may run into debt: `take` always says how long the caller must wait for its
 * cost to be covered (0 when it is), and `refuse` leaves the bucket as it was when that wait would
 * be too long. Time comes from `now`, so tests drive it without sleeping.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(private readonly capacity: number, private readonly perSecond: number, private readonly now: () => number = Date.now) {
    this.tokens = capacity;
    this.at = now();
  }

  /** Milliseconds until `cost` is covered, without taking it. */
  waitFor(cost: number): number {
    this.refill();
    const after = this.tokens - cost;
    return after >= 0 ? 0 : Math.ceil((-after / this.perSecond) * 1000);
  }

  take(cost: number) {
    this.refill();
    this.tokens -= cost;
  }

  /** Full again: nothing was taken for a while. */
  get idle(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  private refill() {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
  }
}

/** The address part of a transport's "address:port" remote ("::1" from "::1:5000"). */
export function addressOf(remote: string): string {
  const colon = remote.lastIndexOf(":");
  return colon < 0 ? remote : remote.slice(0, colon);
}
