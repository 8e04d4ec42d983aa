import type { ClusterLink } from "./cluster-link.ts";
import { CommandError, fail, missing } from "./errors.ts";
import type { Log } from "./log.ts";
import { notice } from "./notices.ts";
import type { Online, Presence } from "./presence.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import type { Store } from "./store.ts";
import { cleanText } from "./text.ts";
import type { Ban } from "./types.ts";

/** Raised at login for a banned nick, once the session has been told and put out. */
export class BannedError extends CommandError {
  constructor(readonly ban: Ban) {
    super(notice("banned", { until: ban.until, reason: ban.reason }));
  }
}

/** What an operator does to users: kick, ban, announce; and the ban check every login passes. */
export class Moderation {
  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly sessions: Pick<Sessions, "drop" | "all">,
    private readonly log: Log,
    /** The other nodes, when this one is part of a cluster: kicks, bans and announcements reach them too. */
    private readonly cluster: Pick<ClusterLink, "publish"> | null = null,
  ) {}

  /** Refuses a login for a banned nick: tells the user why, closes the connection and throws BannedError. */
  async refuseBanned(session: Session, nick: string): Promise<void> {
    const ban = await this.store.activeBan(nick, new Date());
    if (!ban) return;
    this.log.warn("login refused", { nick: ban.nick, remote: session.sink.remote, reason: "banned" });
    const error = new BannedError(ban);
    this.sessions.drop(session, error);
    throw error;
  }

  /** Disconnects every session of `nick`, on every node; others see "went offline (kicked: reason)". Returns how many were closed. */
  kick(nick: string, reason: string): number {
    const elsewhere = this.sessionsElsewhere(nick);
    if (!this.presence.get(nick) && elsewhere === 0) throw missing("not_online", { nick });
    const clean = cleanText(reason).trim();
    this.cluster?.publish({ t: "kick", nick, reason: clean });
    return this.dropHere(nick, clean) + elsewhere;
  }

  /** Bans an account (kicking it when online, on every node); `until` null bans until unbanned. */
  async ban(nick: string, until: Date | null, reason: string, by: string) {
    const user = await this.store.findUser(nick);
    if (!user) throw missing("no_such_user", { nick });
    if (until && until.getTime() <= Date.now()) throw fail("ban_not_future", { until });
    const saved = await this.store.addBan({ nick: user.nick, until, reason: cleanText(reason).trim(), createdBy: by });
    const elsewhere = this.sessionsElsewhere(user.nick);
    // Always: the user may have reached another node a moment ago, before this one heard of it.
    this.cluster?.publish({
      t: "kick", nick: user.nick, reason: saved.reason,
      ban: { ...saved, until: saved.until?.toISOString() ?? null, createdAt: saved.createdAt.toISOString() },
    });
    return { ban: saved, kicked: this.dropHere(user.nick, saved.reason, saved) + elsewhere };
  }

  /** Closes this node's sessions of `nick`, kicked or (with `ban`) banned; returns how many. */
  dropHere(nick: string, reason: string, ban?: Ban): number {
    const online = this.presence.get(nick);
    if (!online) return 0;
    if (ban) return this.closeSessions(online, new BannedError(ban), ban.reason ? `banned: ${ban.reason}` : "banned");
    return this.closeSessions(online, new CommandError(notice("kicked", { reason })), reason ? `kicked: ${reason}` : "kicked");
  }

  /** Bans in force now. */
  activeBans() {
    return this.store.listBans(new Date());
  }

  async unban(nick: string): Promise<void> {
    if (!(await this.store.removeBan(nick))) throw missing("not_banned", { nick });
  }

  /** A system message to every logged-in session, on every node; returns how many got it. */
  announce(text: string): number {
    const clean = cleanText(text).trim();
    if (clean === "") throw fail("nothing_to_announce");
    this.cluster?.publish({ t: "announce", text: clean });
    let elsewhere = 0;
    for (const users of this.presence.remoteNodes().values()) for (const u of users.values()) elsewhere += u.sessions;
    return this.announceHere(clean) + elsewhere;
  }

  /** The announcement to this node's logged-in sessions; returns how many got it. */
  announceHere(text: string): number {
    let reached = 0;
    for (const s of this.sessions.all) {
      if (!s.user) continue;
      s.send({ type: "notice", notice: notice("announcement", { text }) });
      reached++;
    }
    return reached;
  }

  private sessionsElsewhere(nick: string): number {
    return this.presence.elsewhere(nick).reduce((n, u) => n + u.sessions, 0);
  }

  private closeSessions(online: Online, why: CommandError, roomReason: string): number {
    const sessions = [...online.sessions];
    for (const s of sessions) this.sessions.drop(s, why, roomReason);
    return sessions.length;
  }
}
