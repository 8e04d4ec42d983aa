import { CommandError } from "./errors.ts";
import { checkPassword, type Hub } from "./hub.ts";
import { refuseBanned } from "./moderation.ts";
import { validateNick } from "./names.ts";
import { wrongPassword } from "./password-login.ts";
import type { Session } from "./session.ts";
import { NickTakenError } from "./store.ts";
import type { User } from "./types.ts";

// Failed nick prompts before we give up on a connection that is clearly not a person.
const MAX_NICK_TRIES = 10;

/**
 * The line-by-line login of terminals, after the original design's validate_session():
 * a known nick asks for its password, a new one for a password twice and creates the account.
 */
export async function promptLogin(hub: Hub, session: Session): Promise<void> {
  const { serverName, motd } = hub.settings;
  session.send({ type: "system", text: [`Welcome to ${serverName}`, ...motd].join("\n") });
  try {
    const user = await askAccount(hub, session);
    if (user) await hub.enter(session, user);
  } catch (e) {
    // A ban, or a connection that went, has ended the session already.
    if (session.closed) return;
    // Not logged in and no prompt left: an open connection would only hang.
    hub.report(session, e);
    hub.drop(session);
  }
}

async function askAccount(hub: Hub, session: Session): Promise<User | null> {
  for (let tries = 0; tries < MAX_NICK_TRIES; tries++) {
    const answer = await session.ask("Nickname: ");
    let nick: string;
    try {
      nick = validateNick(answer.trim());
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      session.send({ type: "error", code: "bad_nick", message: e.message });
      continue;
    }
    const existing = await hub.store.findUser(nick);
    // Before the password, so a banned account cannot be used to guess it.
    if (existing) await refuseBanned(hub, session, existing.nick);
    const user = existing ? await askPassword(hub, session, existing) : await askNewPassword(hub, session, nick);
    if (user !== undefined) return user;
  }
  hub.drop(session, new CommandError("Too many attempts", "login_failed"));
  return null;
}

/** Returns the user, or null after too many wrong passwords (the session is then closed). */
async function askPassword(hub: Hub, session: Session, user: User): Promise<User | null> {
  for (;;) {
    const password = await session.ask("Password: ", true);
    if (await hub.passwords.verify(password, user.passwordHash)) return user;
    if (!wrongPassword(hub, session, user.nick)) return null;
  }
}

/** Creates the account; undefined means "ask for the nick again" (it was taken meanwhile). */
async function askNewPassword(hub: Hub, session: Session, nick: string): Promise<User | undefined> {
  session.send({ type: "system", text: `${nick} is a new nick; choose a password to create the account` });
  for (;;) {
    const password = await session.ask("New password: ", true);
    try {
      checkPassword(password);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      session.send({ type: "error", code: "bad_password", message: e.message });
      continue;
    }
    if ((await session.ask("Repeat password: ", true)) !== password) {
      session.send({ type: "error", code: "bad_password", message: "The passwords do not match; try again" });
      continue;
    }
    try {
      const user = await hub.createAccount(nick, password);
      hub.log.info("account created", { nick, remote: session.sink.remote });
      return user;
    } catch (e) {
      if (!(e instanceof NickTakenError)) throw e;
      session.send({ type: "error", code: "nick_taken", message: `${nick} was just taken by someone else; pick another` });
      return undefined;
    }
  }
}
