import { checkPassword, type Accounts } from "./accounts.ts";
import { CommandError, fail } from "./errors.ts";
import type { Entry } from "./entry.ts";
import type { Moderation } from "./moderation.ts";
import type { ServerInfo } from "./motd.ts";
import { notice } from "./notices.ts";
import { validateNick } from "./names.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import { NickTakenError, StoreUnavailableError } from "./store.ts";
import type { User } from "./types.ts";

// Failed nick prompts before we give up on a connection that is clearly not a person.
const MAX_NICK_TRIES = 10;

/**
 * The line-by-line login of terminals, after the original design's validate_session():
 * a known nick asks for its password, a new one for a password twice and creates the account.
 * A line starting with "/" at the nick prompt runs as a command (/help, /quit).
 */
export class TerminalLogin {
  constructor(
    private readonly accounts: Accounts,
    private readonly entry: Pick<Entry, "enter">,
    private readonly moderation: Pick<Moderation, "refuseBanned">,
    private readonly sessions: Pick<Sessions, "drop" | "report">,
    private readonly info: ServerInfo,
    private readonly command: (session: Session, line: string) => Promise<void>,
  ) {}

  async run(session: Session): Promise<void> {
    if (session.refused) return;
    const { serverName, motd } = this.info;
    session.send({ type: "notice", notice: notice("welcome_banner", { serverName, motd }) });
    for (;;) {
      try {
        const user = await this.askAccount(session);
        if (!user) return;
        await this.entry.enter(session, user);
        await this.accounts.reportFailedLogins(session, user);
        return;
      } catch (e) {
        // A ban, or a connection that went, has ended the session already.
        if (session.closed) return;
        this.sessions.report(session, e);
        // The database is away: the user is told so and may try again; the login timeout still holds.
        if (e instanceof StoreUnavailableError) continue;
        // Not logged in and no prompt left: an open connection would only hang.
        this.sessions.drop(session);
        return;
      }
    }
  }

  private async askAccount(session: Session): Promise<User | null> {
    for (let tries = 0; tries < MAX_NICK_TRIES; tries++) {
      const answer = (await session.ask(notice("prompt_nick"))).trim();
      if (answer.startsWith("/")) {
        await this.command(session, answer);
        if (session.closed) return null;
        tries--;
        continue;
      }
      let nick: string;
      try {
        nick = validateNick(answer);
      } catch (e) {
        if (!(e instanceof CommandError)) throw e;
        this.sessions.report(session, e);
        continue;
      }
      const existing = await this.accounts.store.findUser(nick);
      // Before the password, so a banned account cannot be used to guess it.
      if (existing) await this.moderation.refuseBanned(session, existing.nick);
      const user = existing ? await this.askPassword(session, existing) : await this.askNewPassword(session, nick);
      if (user !== undefined) return user;
    }
    this.sessions.drop(session, fail("too_many_attempts"));
    return null;
  }

  /** Returns the user, or null after too many wrong passwords (the session is then closed). */
  private async askPassword(session: Session, user: User): Promise<User | null> {
    for (;;) {
      const password = await session.ask(notice("prompt_password"), true);
      if (await this.accounts.verify(password, user, session)) return user;
      if (!this.accounts.wrongPassword(session, user.nick)) return null;
    }
  }

  /** Creates the account; undefined means "ask for the nick again" (it was taken meanwhile). */
  private async askNewPassword(session: Session, nick: string): Promise<User | undefined> {
    // Before any password: a nick that may not be registered asks for another at once.
    try {
      await this.accounts.checkNewNick(nick);
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      this.sessions.report(session, e);
      return undefined;
    }
    session.send({ type: "notice", notice: notice("new_nick", { nick }) });
    for (;;) {
      const password = await session.ask(notice("prompt_new_password"), true);
      try {
        checkPassword(password);
      } catch (e) {
        if (!(e instanceof CommandError)) throw e;
        this.sessions.report(session, e);
        continue;
      }
      if ((await session.ask(notice("prompt_repeat_password"), true)) !== password) {
        this.sessions.report(session, fail("passwords_differ_retry"));
        continue;
      }
      try {
        return await this.accounts.create(nick, password, session);
      } catch (e) {
        if (!(e instanceof NickTakenError)) throw e;
        this.sessions.report(session, fail("nick_taken_race", { nick }));
        return undefined;
      }
    }
  }
}
