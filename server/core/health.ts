import { STORE_PING_TIMEOUT_MS, STORE_PROBE_DOWN_MS, STORE_PROBE_MS } from "./limits.ts";
import type { Log } from "./log.ts";
import { StoreUnavailableError, type Store } from "./store.ts";

/** Whether the store answers, since when, and (for the log and the operator only) why not. */
export interface HealthState {
  healthy: boolean;
  since: Date;
  error?: string;
}

// What a store may still be asked while it is down: the probe, and closing it.
const ALWAYS = new Set<PropertyKey>(["kind", "ping", "close", "migrate"]);

/**
 * The store's health, known within ~2 s: any call that finds the database unreachable marks it
 * down at once, and a ping every second (with a 1 s deadline) notices it with no traffic. While
 * it is down every call is refused at once with StoreUnavailableError, so nothing (messages,
 * logins, history) waits or queues behind a dead database; a ping every 250 ms sees it come back.
 */
export class StoreHealth {
  private current: HealthState = { healthy: true, since: new Date() };
  private timer: ReturnType<typeof setTimeout> | null = null;
  private probing = false;
  private stopped = false;

  constructor(
    private readonly store: Pick<Store, "ping">,
    /** Told of every change, to tell users once that sending is paused and once that it is back. */
    private readonly changed: (healthy: boolean) => void,
    private readonly log: Log,
  ) {}

  get healthy(): boolean {
    return this.current.healthy;
  }

  get state(): HealthState {
    return { ...this.current };
  }

  /** Starts the periodic probe. */
  start() {
    this.stopped = false;
    this.schedule();
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A call failed: when it was because the database is unreachable, the store is down from now. */
  failed(e: unknown) {
    if (e instanceof StoreUnavailableError) this.set(false, e.reason);
  }

  /** Checks the store now; resolves once the state is known. */
  async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) => {
          deadline = setTimeout(() => reject(new StoreUnavailableError(`no answer to a ping within ${STORE_PING_TIMEOUT_MS} ms`)), STORE_PING_TIMEOUT_MS);
        }),
      ]);
      this.set(true);
    } catch (e) {
      this.set(false, e instanceof StoreUnavailableError ? e.reason : String(e));
    } finally {
      clearTimeout(deadline);
      this.probing = false;
    }
  }

  /**
   * The store as the core uses it: while down, every call but ping and close is refused at once;
   * otherwise calls go through, and one that finds the database unreachable marks it down.
   */
  guard<S extends Store>(store: S): S {
    return new Proxy(store, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver);
        if (typeof value !== "function" || ALWAYS.has(key)) return value;
        return (...args: unknown[]) => {
          if (!this.current.healthy) return Promise.reject(new StoreUnavailableError(this.current.error ?? "down"));
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((e: unknown) => {
            this.failed(e);
            throw e;
          });
        };
      },
    });
  }

  private set(healthy: boolean, error?: string) {
    if (healthy === this.current.healthy) return;
    this.current = healthy ? { healthy, since: new Date() } : { healthy, since: new Date(), error };
    if (healthy) this.log.info("store is back", {});
    else this.log.error("store is down", { error });
    this.changed(healthy);
    // Down: look again sooner, to see it come back.
    if (!this.stopped) this.schedule();
  }

  private schedule() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      this.timer = null;
      await this.probe();
      if (!this.stopped && !this.timer) this.schedule();
    }, this.current.healthy ? STORE_PROBE_MS : STORE_PROBE_DOWN_MS);
    // A probe alone must not keep a process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
