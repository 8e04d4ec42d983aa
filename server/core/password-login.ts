import { CommandError } from "./errors.ts";
import type { Hub } from "./hub.ts";
import { refuseBanned } from "./moderation.ts";
import { validateNick } from "./names.ts";
import { NickTakenError } from "./store.ts";
import type { Session } from "./session.ts";
import type { User } from "./types.ts";

/**
 * Login in one step, for clients that send nick and password together (the web): a known nick
 * must match its password (null when it does not; see wrongPassword), a new one creates the
 * account, exactly as the terminal login does. A banned nick is put out (BannedError).
 */
export async function passwordLogin(hub: Hub, session: Session, nick: string, password: string): Promise<User | null> {
  const valid = validateNick(nick.trim());
  await refuseBanned(hub, session, valid);
  const existing = await hub.store.findUser(valid);
  if (existing) {
    if (await hub.passwords.verify(password, existing.passwordHash)) return existing;
    wrongPassword(hub, session, existing.nick);
    return null;
  }
  try {
    const user = await hub.createAccount(valid, password);
    hub.log.info("account created", { nick: user.nick });
    return user;
  } catch (e) {
    // Someone took the nick between the lookup and the insert: it is now an existing account.
    if (!(e instanceof NickTakenError)) throw e;
    const user = await hub.authenticate(valid, password);
    if (!user) wrongPassword(hub, session, valid);
    return user;
  }
}

/** The account a verified resume token names, if `stillValid` agrees; hub.enter refuses a banned one. */
export async function resumeLogin(hub: Hub, nick: string, stillValid: (user: User) => boolean): Promise<User | null> {
  const user = await hub.store.findUser(nick);
  return user && stillValid(user) ? user : null;
}

/**
 * Counts a wrong password against the session, whichever login took it: the user is told, and
 * after limits.maxLoginAttempts the session is put out. Returns whether it may try again.
 */
export function wrongPassword(hub: Hub, session: Session, nick: string): boolean {
  const attempt = ++session.failedLogins;
  hub.log.warn("login failed", { nick, remote: session.sink.remote, attempt });
  if (attempt < hub.settings.limits.maxLoginAttempts) {
    session.send({ type: "error", code: "bad_password", message: "Wrong password" });
    return true;
  }
  hub.drop(session, new CommandError("Wrong password too many times", "login_failed"));
  return false;
}
