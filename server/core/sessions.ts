import { AddressLimits } from "./address-limits.ts";
import type { Background } from "./background.ts";
import { CommandError, fail } from "./errors.ts";
import { LEAVE_REASON_MAX_BYTES, type Limits } from "./limits.ts";
import type { Log } from "./log.ts";
import type { Memberships } from "./memberships.ts";
import type { Notice } from "./notices.ts";
import type { Presence } from "./presence.ts";
import { Session, type SessionSink } from "./session.ts";
import { StoreUnavailableError, type Store } from "./store.ts";
import { cleanText, truncateBytes } from "./text.ts";
import { addressOf } from "./throttle.ts";
import type { Lang } from "./types.ts";
import type { MessageWriter } from "./writer.ts";

/** How a transport's connections see the chat; see SessionOptions. */
export interface ConnectOptions {
  seesAllRooms?: boolean;
  lang?: Lang;
}

/** Every connection from its first byte to its last: opening, errors shown, and every way it ends. */
export class Sessions {
  readonly all = new Set<Session>();
  private readonly addresses: AddressLimits;
  /** Sessions counted against their address's connection limit, with the address. */
  private readonly counted = new Map<Session, string>();

  constructor(
    private readonly presence: Presence,
    private readonly memberships: Memberships,
    private readonly store: Pick<Store, "markSeen">,
    private readonly writer: Pick<MessageWriter, "drain">,
    private readonly background: Background,
    private readonly limits: Limits,
    private readonly log: Log,
  ) {
    this.addresses = new AddressLimits(limits);
  }

  connect(sink: SessionSink, { seesAllRooms = false, lang = "en" }: ConnectOptions = {}): Session {
    const session: Session = new Session(sink, {
      seesAllRooms,
      lang,
      maxQueued: this.limits.maxQueuedLines,
      promptTimeoutMs: this.limits.promptTimeoutSeconds * 1000,
      loginTimeoutMs: this.limits.loginTimeoutSeconds * 1000,
      onLoginTimeout: () => this.drop(session, fail("login_timeout")),
      onFlood: () => {
        this.log.warn("flood", { transport: sink.transport, remote: sink.remote });
        this.drop(session, fail("flood"));
      },
    });
    this.all.add(session);
    const address = addressOf(sink.remote);
    const refused = this.addresses.admit(address);
    if (refused) {
      this.log.warn("connection refused", { transport: sink.transport, remote: sink.remote, why: refused.key });
      // Once the transport has the session in hand (it may send only after connect() returns);
      // meanwhile `refused` keeps the login from starting.
      session.refused = true;
      queueMicrotask(() => this.drop(session, fail(refused.key as "too_many_connections", { max: refused.max })));
    } else {
      this.counted.set(session, address);
    }
    return session;
  }

  /** Runs an action now, showing the user any error it raises. */
  async attempt(session: Session, action: () => unknown): Promise<void> {
    // An action queued behind a slow one must not run for a session that has since gone.
    if (session.closed) return;
    try {
      await action();
    } catch (e) {
      this.report(session, e);
    }
  }

  /** Shows a CommandError to its user; anything else is logged and shown as a generic failure. */
  report(session: Session, e: unknown, cid?: string) {
    const about = cid === undefined ? {} : { cid };
    if (e instanceof CommandError) {
      session.send({ type: "error", code: e.code, notice: e.notice, ...about });
    } else if (e instanceof StoreUnavailableError) {
      session.send({ type: "error", code: "store_down", notice: { key: "store_down", params: {} }, ...about });
    } else {
      this.log.error("command failed", { session: session.id, error: String(e) });
      session.send({ type: "error", code: "internal", notice: { key: "internal", params: {} }, ...about });
    }
  }

  /**
   * Ends a session and closes its connection. With `why`, the user is told first and the connection
   * closes as a policy close; `reason` is what others see in "went offline (…)".
   */
  drop(session: Session, why?: CommandError, reason?: string) {
    // Sent before disconnect: a closed session sends nothing.
    if (why) this.report(session, why);
    this.disconnect(session, reason);
    session.sink.close(why?.notice);
  }

  /** `/quit`: the user leaves, with an optional goodbye for the others. */
  quit(session: Session, message?: string) {
    session.send({ type: "notice", notice: { key: "goodbye", params: {} } });
    this.disconnect(session, message);
    session.sink.close();
  }

  /** Ends a session: it stops showing its rooms, and when it was the account's last, the account goes offline. */
  disconnect(session: Session, reason?: string) {
    if (!session.end()) return;
    this.all.delete(session);
    const address = this.counted.get(session);
    if (address !== undefined) {
      this.counted.delete(session);
      this.addresses.release(address);
    }
    this.memberships.stopViewingAll(session);
    const online = this.presence.remove(session);
    if (!online) return;
    const user = online.user;
    this.log.info("logout", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote });
    if (online.sessions.size > 0) return;
    const event = this.presence.event(user, "offline");
    // A quit or kick reason reaches other people's screens: one clean line, of bounded size.
    const clean = reason === undefined ? "" : truncateBytes(cleanText(reason).trim(), LEAVE_REASON_MAX_BYTES);
    if (clean) event.reason = clean;
    this.presence.announce(event, this.memberships.audience(online.rooms.keys()));
    this.background.run("markSeen", () => this.store.markSeen(user.id));
  }

  /** Tells every logged-in session something once (the store went down or came back). */
  tellLoggedIn(notice: Notice) {
    for (const s of this.all) if (s.user) s.send({ type: "notice", notice });
  }

  /** Tells everyone, stores every accepted message, and closes every session. */
  async shutdown(notice: Notice) {
    for (const s of this.all) s.send({ type: "notice", notice });
    // What a user already started (a password being changed, say) finishes before the store closes.
    const running = [...this.all].map((s) => s.idle());
    await this.writer.drain();
    for (const s of [...this.all]) {
      this.disconnect(s);
      s.sink.close();
    }
    await Promise.all(running);
    await this.writer.drain();
    await this.background.drain();
  }
}
