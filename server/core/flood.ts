import { fail } from "./errors.ts";
import type { Limits } from "./limits.ts";
import { notice } from "./notices.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import { addressOf, TokenBucket } from "./throttle.ts";

export type FloodLimits = Pick<Limits,
  "messageBurstLines" | "messagesPerSecond" | "messageBurstBytes" | "messageBytesPerSecond" | "floodDelaySeconds" |
  "floodRefusalsBeforeDisconnect" | "exemptAddresses">;

interface UserFlow {
  lines: TokenBucket;
  bytes: TokenBucket;
  /** Lines refused since the user last sent within the limits. */
  refused: number;
}

/**
 * How fast a logged-in user may send, over every session of the account together (ergo's
 * fakelag): a burst goes through at once, then lines wait their turn, up to a short delay; past
 * that a line is refused and the sender told once, and one who goes on is disconnected.
 */
export class FloodControl {
  private readonly flows = new Map<number, UserFlow>();
  /** Sessions to be put out once what they had sent before has run. */
  private readonly closing = new WeakSet<Session>();
  private admitted = 0;

  constructor(
    private readonly limits: FloodLimits,
    private readonly sessions: Pick<Sessions, "drop">,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A line or frame of `bytes` text from the session: the time (ms since the epoch) it may run
   * at, or null when it is refused (the sender has been told, or put out).
   */
  admit(session: Session, bytes: number): number | null {
    const user = session.user;
    if (!user || this.limits.exemptAddresses.includes(addressOf(session.sink.remote))) return 0;
    if (++this.admitted % 1024 === 0) this.sweep();
    let flow = this.flows.get(user.id);
    if (!flow) {
      const l = this.limits;
      flow = {
        lines: new TokenBucket(l.messageBurstLines, l.messagesPerSecond, this.now),
        bytes: new TokenBucket(l.messageBurstBytes, l.messageBytesPerSecond, this.now),
        refused: 0,
      };
      this.flows.set(user.id, flow);
    }
    const wait = Math.max(flow.lines.waitFor(1), flow.bytes.waitFor(bytes));
    if (wait > this.limits.floodDelaySeconds * 1000) {
      // Told once per flood, not once per refused line: the refusals would be a flood of their own.
      if (flow.refused++ === 0) {
        session.send({ type: "error", code: "too_fast", notice: notice("too_fast", { seconds: Math.ceil(wait / 1000) }) });
      }
      if (flow.refused >= this.limits.floodRefusalsBeforeDisconnect && !this.closing.has(session)) {
        this.closing.add(session);
        // In turn, after the lines already accepted: those are delivered, not dropped with the connection.
        void session.serially(async () => this.sessions.drop(session, fail("kept_flooding"), "flooding"));
      }
      return null;
    }
    if (wait === 0) flow.refused = 0;
    flow.lines.take(1);
    flow.bytes.take(bytes);
    return this.now() + wait;
  }

  /** Forgets users whose buckets are full again: they are sending nothing. */
  private sweep() {
    for (const [id, flow] of this.flows) if (flow.lines.idle && flow.bytes.idle) this.flows.delete(id);
  }
}
