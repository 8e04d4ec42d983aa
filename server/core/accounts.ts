import { fail } from "./errors.ts";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, STATUS_NOTE_MAX_BYTES, type Limits } from "./limits.ts";
import type { Log } from "./log.ts";
import type { Moderation } from "./moderation.ts";
import type { LoginGuard } from "./login-guard.ts";
import { foldKey, validateNick } from "./names.ts";
import { checkNewNick, nickSkeleton } from "./nick-rules.ts";
import { notice } from "./notices.ts";
import type { Presence } from "./presence.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import { NickTakenError, type Store } from "./store.ts";
import type { RoomTable } from "./rooms.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import { addressOf } from "./throttle.ts";
import type { Status, User, UserSettings } from "./types.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export function checkPassword(password: string): string {
  if ([...password].length < PASSWORD_MIN_CHARS) throw fail("password_short", { min: PASSWORD_MIN_CHARS });
  if (exceedsBytes(password, PASSWORD_MAX_BYTES)) throw fail("password_long", { max: PASSWORD_MAX_BYTES });
  return password;
}

/** Accounts: creating them, checking and changing passwords, and what each user has chosen. */
export class Accounts {
  constructor(
    readonly store: Store,
    private readonly passwords: PasswordHasher,
    private readonly presence: Presence,
    private readonly rooms: Pick<RoomTable, "audience">,
    private readonly moderation: Pick<Moderation, "refuseBanned">,
    private readonly sessions: Pick<Sessions, "drop">,
    private readonly limits: Pick<Limits, "maxLoginAttempts">,
    private readonly guard: LoginGuard,
    /** Nicks nobody may register besides the built-in ones: the config's list and the server's name. */
    private readonly reserved: () => string[],
    private readonly log: Log,
  ) {}

  /**
   * Checks a password the session gave for the account, behind the login throttles: during a
   * backoff it is refused (login_backoff) without hashing, and the hash waits its turn.
   */
  async verify(password: string, user: User, session: Session): Promise<boolean> {
    const address = addressOf(session.sink.remote);
    const account = foldKey(user.nick);
    this.guard.check(address, account);
    const ok = await this.guard.hash(address, () => this.passwords.verify(password, user.passwordHash));
    if (ok) {
      this.guard.succeeded(account);
      return true;
    }
    this.guard.failed(address, account);
    this.store.addFailedLogin(user.id).catch((e) => this.log.error("failed login not counted", { error: String(e) }));
    return false;
  }

  /** Refuses (with a CommandError) a nick that may not be registered: rules, reserved names, look-alikes of an account. */
  async checkNewNick(nick: string) {
    checkNewNick(nick, this.reserved());
    const other = await this.store.findBySkeleton(nickSkeleton(nick));
    if (other) throw fail("nick_lookalike", { nick, existing: other.nick });
  }

  /** Creates an account; NickTakenError when the nick was just taken, a CommandError when it may not be had. */
  async create(nick: string, password: string, session: Session): Promise<User> {
    const valid = validateNick(nick);
    await this.checkNewNick(valid);
    checkPassword(password);
    const hash = await this.guard.hash(addressOf(session.sink.remote), () => this.passwords.hash(password));
    let user: User;
    try {
      user = await this.store.createUser(valid, hash, nickSkeleton(valid));
    } catch (e) {
      // A look-alike registered between the check and the insert.
      if (e instanceof NickTakenError && e.lookalike) throw fail("nick_lookalike", { nick: valid, existing: e.lookalike });
      throw e;
    }
    this.log.info("account created", { nick: user.nick, remote: session.sink.remote });
    return user;
  }

  /**
   * Login in one step, for clients that send nick and password together (the web): a known nick
   * must match its password (null when it does not; see wrongPassword). A new account is made only
   * when asked for, with the password given twice (`confirm`), so a mistyped nick creates nothing.
   * A banned nick is put out (BannedError).
   */
  async passwordLogin(session: Session, nick: string, password: string, confirm?: string): Promise<User | null> {
    const valid = validateNick(nick.trim());
    await this.moderation.refuseBanned(session, valid);
    const existing = await this.store.findUser(valid);
    if (existing) {
      if (confirm !== undefined) throw fail("nick_taken", { nick: existing.nick });
      if (await this.verify(password, existing, session)) return existing;
      this.wrongPassword(session, existing.nick);
      return null;
    }
    if (confirm === undefined) throw fail("no_such_account", { nick: valid });
    if (confirm !== password) throw fail("passwords_differ_retry");
    try {
      return await this.create(valid, password, session);
    } catch (e) {
      if (!(e instanceof NickTakenError)) throw e;
      throw fail("nick_taken_race", { nick: valid });
    }
  }

  /** At a login with a password: tells the owner how many wrong passwords were tried since their last one. */
  async reportFailedLogins(session: Session, user: User) {
    const count = await this.store.takeFailedLogins(user.id);
    if (count > 0) session.send({ type: "notice", notice: notice("failed_logins_since", { count }) });
  }

  /**
   * Counts a wrong password against the session, whichever login took it: the user is told, and
   * after limits.maxLoginAttempts the session is put out. Returns whether it may try again.
   */
  wrongPassword(session: Session, nick: string): boolean {
    const attempt = ++session.failedLogins;
    this.log.warn("login failed", { nick, remote: session.sink.remote, attempt });
    if (attempt < this.limits.maxLoginAttempts) {
      session.send({ type: "error", code: "bad_password", notice: { key: "bad_password", params: {} } });
      return true;
    }
    this.sessions.drop(session, fail("login_failed"));
    return false;
  }

  /** Sets a new password; every session of the account is told, so the web's resume tokens can be renewed. */
  async changePassword(user: User, password: string, session: Session) {
    checkPassword(password);
    const hash = await this.guard.hash(addressOf(session.sink.remote), () => this.passwords.hash(password));
    await this.store.setPassword(user.id, hash);
    user.passwordHash = hash;
  }

  /** Sets the user's status; everyone who can see them hears it. */
  async setStatus(user: User, status: Status, note: string) {
    const clean = cleanText(note).trim();
    if (exceedsBytes(clean, STATUS_NOTE_MAX_BYTES)) throw fail("status_note_too_long", { max: STATUS_NOTE_MAX_BYTES });
    await this.store.setStatus(user.id, status, clean);
    user.status = status;
    user.statusNote = clean;
    // The account may have logged out while the status was stored.
    const online = this.presence.get(user.nick);
    this.presence.announce(this.presence.event(user, "status"), this.rooms.audience(online?.rooms.keys() ?? []));
  }

  async saveSettings(user: User, settings: UserSettings) {
    await this.store.setSettings(user.id, settings);
    user.settings = settings;
  }

  /** The account chose a language: every session of it speaks it from now on. */
  applyLanguage(user: User) {
    const lang = user.settings.lang;
    if (!lang) return;
    for (const s of this.presence.get(user.nick)?.sessions ?? []) s.lang = lang;
  }
}
