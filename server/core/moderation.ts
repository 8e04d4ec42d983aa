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

  /** Disconnects every session of `nick`; others see "went offline (kicked: reason)". Returns how many were closed. */
  kick(nick: string, reason: string): number {
    const online = this.presence.get(nick);
    if (!online) throw missing("not_online", { nick });
    const clean = cleanText(reason).trim();
    return this.closeSessions(online, new CommandError(notice("kicked", { reason: clean })), clean ? `kicked: ${clean}` : "kicked");
  }

  /** Bans an account (kicking it when online); `until` null bans until unbanned. */
  async ban(nick: string, until: Date | null, reason: string, by: string) {
    const user = await this.store.findUser(nick);
    if (!user) throw missing("no_such_user", { nick });
    if (until && until.getTime() <= Date.now()) throw fail("ban_not_future", { until });
    const saved = await this.store.addBan({ nick: user.nick, until, reason: cleanText(reason).trim(), createdBy: by });
    const online = this.presence.get(user.nick);
    const kicked = online ? this.closeSessions(online, new BannedError(saved), saved.reason ? `banned: ${saved.reason}` : "banned") : 0;
    return { ban: saved, kicked };
  }

  /** Bans in force now. */
  activeBans() {
    return this.store.listBans(new Date());
  }

  async unban(nick: string): Promise<void> {
    if (!(await this.store.removeBan(nick))) throw missing("not_banned", { nick });
  }

  /** A system message to every logged-in session; returns how many got it. */
  announce(text: string): number {
    const clean = cleanText(text).trim();
    if (clean === "") throw fail("nothing_to_announce");
    let reached = 0;
    for (const s of this.sessions.all) {
      if (!s.user) continue;
      s.send({ type: "notice", notice: notice("announcement", { text: clean }) });
      reached++;
    }
    return reached;
  }

  private closeSessions(online: Online, why: CommandError, roomReason: string): number {
    const sessions = [...online.sessions];
    for (const s of sessions) this.sessions.drop(s, why, roomReason);
    return sessions.length;
  }
}
