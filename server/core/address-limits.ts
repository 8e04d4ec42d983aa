import type { Limits } from "./limits.ts";
import type { NoticeKey } from "./notices.ts";

export type AddressLimitsConfig = Pick<Limits, "maxConnectionsPerAddress" | "connectionsPerAddressPerMinute" | "exemptAddresses">;

/** Connections from one address, telnet and WebSocket together: open now, and opened in the last minute. */
export class AddressLimits {
  private readonly open = new Map<string, number>();
  /** When each recent connection was opened, oldest first. */
  private readonly recent = new Map<string, number[]>();

  private admitted = 0;

  constructor(private readonly limits: AddressLimitsConfig, private readonly now: () => number = Date.now) {}

  /**
   * Counts a new connection from `address`, or says why it is refused (and counts nothing).
   * A refused attempt still counts toward the minute's rate: hammering the door keeps it shut.
   */
  admit(address: string): { key: NoticeKey; max: number } | null {
    const { maxConnectionsPerAddress: maxOpen, connectionsPerAddressPerMinute: perMinute } = this.limits;
    if (this.limits.exemptAddresses.includes(address)) return null;
    const now = this.now();
    if (++this.admitted % 1024 === 0) this.sweep(now);
    const times = (this.recent.get(address) ?? []).filter((t) => now - t < 60_000);
    times.push(now);
    // Only whether there were more than perMinute matters: an address hammering the door costs no more memory.
    if (times.length > perMinute + 1) times.shift();
    this.recent.set(address, times);
    if (times.length > perMinute) return { key: "connecting_too_fast", max: perMinute };
    const count = this.open.get(address) ?? 0;
    if (count >= maxOpen) return { key: "too_many_connections", max: maxOpen };
    this.open.set(address, count + 1);
    return null;
  }

  /** A connection that admit() counted has closed. */
  release(address: string) {
    const count = this.open.get(address);
    if (count === undefined) return;
    if (count <= 1) this.open.delete(address);
    else this.open.set(address, count - 1);
    // The minute's record goes with the last connection once it is a minute old.
    const times = this.recent.get(address)?.filter((t) => this.now() - t < 60_000);
    if (!times?.length) this.recent.delete(address);
    else this.recent.set(address, times);
  }

  /** Forgets addresses with no open connection and none opened in the last minute. */
  private sweep(now: number) {
    for (const [address, times] of this.recent) {
      if (!this.open.has(address) && times.every((t) => now - t >= 60_000)) this.recent.delete(address);
    }
  }
}
