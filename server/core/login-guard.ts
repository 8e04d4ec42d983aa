import { fail } from "./errors.ts";
import type { Limits } from "./limits.ts";

export type LoginLimits = Pick<Limits,
  "loginFailuresBeforeBackoff" | "loginBackoffMaxSeconds" | "maxConcurrentHashes" | "hashQueueSeconds" | "hashQueuePerAddress" | "exemptAddresses">;

interface Failures {
  count: number;
  /** No attempt until then (ms since the epoch). */
  until: number;
  last: number;
}

interface Waiter {
  start(): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * What stands between a password guesser and argon2: after a few wrong passwords from an address,
 * or for an account, each further attempt must wait twice as long as the last (refused before any
 * hashing), and only a few hashes run at once, the rest queued fairly by address with a deadline,
 * so one address's attack does not hold up everybody else's login.
 */
export class LoginGuard {
  private readonly failures = new Map<string, Failures>();
  private readonly waiting = new Map<string, Waiter[]>();
  private active = 0;
  private checks = 0;

  constructor(private readonly limits: LoginLimits, private readonly now: () => number = Date.now) {}

  /** Throws a CommandError (login_backoff) when the address or the account must wait; costs no hashing. */
  check(address: string, account: string) {
    if (++this.checks % 1024 === 0) this.sweep();
    const now = this.now();
    const wait = Math.max(this.waitOf(this.addressKey(address), now), this.waitOf(`account ${account}`, now));
    if (wait > 0) throw fail("login_backoff", { seconds: Math.ceil(wait / 1000) });
  }

  failed(address: string, account: string) {
    const key = this.addressKey(address);
    if (key) this.count(key);
    this.count(`account ${account}`);
  }

  /** The right password: the account's failures are forgotten (the address's run out by themselves). */
  succeeded(account: string) {
    this.failures.delete(`account ${account}`);
  }

  /** Runs a password hash or check when a slot is free, in turn with the other addresses waiting. */
  async hash<T>(address: string, work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limits.maxConcurrentHashes || this.waiting.size > 0) await this.queue(address);
    else this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.next();
    }
  }

  private queue(address: string): Promise<void> {
    const list = this.waiting.get(address) ?? [];
    if (list.length >= this.limits.hashQueuePerAddress) return Promise.reject(fail("login_busy"));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const mine = this.waiting.get(address);
          const i = mine?.indexOf(waiter) ?? -1;
          if (i < 0) return;
          mine!.splice(i, 1);
          if (mine!.length === 0) this.waiting.delete(address);
          reject(fail("login_busy"));
        }, this.limits.hashQueueSeconds * 1000),
      };
      list.push(waiter);
      this.waiting.set(address, list);
    });
  }

  /** Starts the first waiter of the address that has waited longest; that address goes to the back. */
  private next() {
    while (this.active < this.limits.maxConcurrentHashes) {
      const first = this.waiting.entries().next();
      if (first.done) return;
      const [address, list] = first.value;
      const waiter = list.shift()!;
      this.waiting.delete(address);
      if (list.length > 0) this.waiting.set(address, list);
      this.active++;
      waiter.start();
    }
  }

  private addressKey(address: string): string | null {
    return this.limits.exemptAddresses.includes(address) ? null : `address ${address}`;
  }

  private waitOf(key: string | null, now: number): number {
    const f = key === null ? undefined : this.failures.get(key);
    return f ? Math.max(0, f.until - now) : 0;
  }

  private count(key: string) {
    const now = this.now();
    const f = this.failures.get(key) ?? { count: 0, until: 0, last: now };
    f.count++;
    f.last = now;
    const over = f.count - this.limits.loginFailuresBeforeBackoff;
    if (over >= 0) f.until = now + Math.min(2 ** over * 1000, this.limits.loginBackoffMaxSeconds * 1000);
    this.failures.set(key, f);
  }

  /** Forgets failures older than twice the longest backoff: that address or account starts afresh. */
  private sweep() {
    const old = this.now() - 2 * this.limits.loginBackoffMaxSeconds * 1000;
    for (const [key, f] of this.failures) if (f.last < old && f.until < this.now()) this.failures.delete(key);
  }
}
