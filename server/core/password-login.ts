import type { Hub } from "./hub.ts";
import { checkBan } from "./moderation.ts";
import { validateNick } from "./names.ts";
import { NickTakenError } from "./store.ts";
import type { User } from "./types.ts";

/**
 * Login in one step, for clients that send nick and password together (the web): a known nick
 * must match its password (null when it does not), a new one creates the account, exactly as the
 * terminal login does. A banned nick throws BannedError.
 */
export async function passwordLogin(hub: Hub, nick: string, password: string): Promise<User | null> {
  const valid = validateNick(nick.trim());
  await checkBan(hub, valid);
  const existing = await hub.store.findUser(valid);
  if (existing) return (await hub.passwords.verify(password, existing.passwordHash)) ? existing : null;
  try {
    const user = await hub.createAccount(valid, password);
    hub.log.info("account created", { nick: user.nick });
    return user;
  } catch (e) {
    // Someone took the nick between the lookup and the insert: it is now an existing account.
    if (e instanceof NickTakenError) return hub.authenticate(valid, password);
    throw e;
  }
}

/** The account a verified resume token names, if `stillValid` agrees; banned ones throw. */
export async function resumeLogin(hub: Hub, nick: string, stillValid: (user: User) => boolean): Promise<User | null> {
  const user = await hub.store.findUser(nick);
  if (!user || !stillValid(user)) return null;
  await checkBan(hub, user.nick);
  return user;
}
