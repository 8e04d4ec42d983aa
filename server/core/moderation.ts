import { formatDate } from "./commands/format.ts";
import { CommandError, NotFoundError } from "./errors.ts";
import type { Hub } from "./hub.ts";
import type { Online } from "./presence.ts";
import type { Session } from "./session.ts";
import { cleanText } from "./text.ts";
import type { Ban } from "./types.ts";

// What an operator does to users: kick, ban, announce. Every transport gets it through the hub.

/** Raised at login for a banned nick, once the session has been told and put out. */
export class BannedError extends CommandError {
  constructor(readonly ban: Ban) {
    super(banMessage(ban), "banned");
  }
}

export function banMessage(ban: Ban): string {
  const until = ban.until ? `until ${formatDate(ban.until)}` : "until further notice";
  return `You are banned ${until}${ban.reason ? ` (${ban.reason})` : ""}`;
}

/** Refuses a login for a banned nick: tells the user why, closes the connection and throws BannedError. */
export async function refuseBanned(hub: Hub, session: Session, nick: string): Promise<void> {
  const ban = await hub.store.activeBan(nick, new Date());
  if (!ban) return;
  hub.log.warn("login refused", { nick: ban.nick, remote: session.sink.remote, reason: "banned" });
  const error = new BannedError(ban);
  hub.drop(session, error);
  throw error;
}

/** Disconnects every session of `nick`; their rooms see "left (kicked: reason)". Returns how many were closed. */
export function kick(hub: Hub, nick: string, reason: string): number {
  const online = hub.onlineUser(nick);
  if (!online) throw new NotFoundError(`${nick} is not online`, "not_online");
  const clean = cleanText(reason).trim();
  const why = clean ? `kicked: ${clean}` : "kicked";
  return closeSessions(hub, online, `You were ${why}`, why);
}

/** Bans an account (kicking it when online); `until` null bans until unbanned. */
export async function ban(hub: Hub, nick: string, until: Date | null, reason: string, by: string) {
  const user = await hub.store.findUser(nick);
  if (!user) throw new NotFoundError(`No user named "${nick}"`, "no_such_user");
  if (until && until.getTime() <= Date.now()) throw new CommandError(`Ban end ${until.toISOString()} is not in the future`);
  const saved = await hub.store.addBan({ nick: user.nick, until, reason: cleanText(reason).trim(), createdBy: by });
  const online = hub.onlineUser(user.nick);
  const kicked = online ? closeSessions(hub, online, banMessage(saved), saved.reason ? `banned: ${saved.reason}` : "banned") : 0;
  return { ban: saved, kicked };
}

/** Bans in force now. */
export function activeBans(hub: Hub) {
  return hub.store.listBans(new Date());
}

export async function unban(hub: Hub, nick: string): Promise<void> {
  if (!(await hub.store.removeBan(nick))) throw new NotFoundError(`${nick} is not banned`, "not_banned");
}

/** A system message to every logged-in session; returns how many got it. */
export function announce(hub: Hub, text: string): number {
  const clean = cleanText(text).trim();
  if (clean === "") throw new CommandError("Nothing to announce");
  let reached = 0;
  for (const s of hub.sessions) {
    if (!s.user) continue;
    s.send({ type: "system", text: `Announcement: ${clean}` });
    reached++;
  }
  return reached;
}

function closeSessions(hub: Hub, online: Online, message: string, roomReason: string): number {
  const sessions = [...online.sessions];
  for (const s of sessions) hub.drop(s, new CommandError(message, "removed"), roomReason);
  return sessions.length;
}
