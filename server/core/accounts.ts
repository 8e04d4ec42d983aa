import { fail } from "./errors.ts";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, STATUS_NOTE_MAX_BYTES, type Limits } from "./limits.ts";
import type { Log } from "./log.ts";
import type { Moderation } from "./moderation.ts";
import { validateNick } from "./names.ts";
import type { Presence } from "./presence.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import { NickTakenError, type Store } from "./store.ts";
import type { RoomTable } from "./rooms.ts";
import { cleanText, exceedsBytes } from "./text.ts";
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
    private readonly log: Log,
  ) {}

  verify(password: string, user: User): Promise<boolean> {
    return this.passwords.verify(password, user.passwordHash);
  }

  async create(nick: string, password: string, session: Session): Promise<User> {
    const user = await this.store.createUser(validateNick(nick), await this.passwords.hash(checkPassword(password)));
    this.log.info("account created", { nick: user.nick, remote: session.sink.remote });
    return user;
  }

  /**
   * Login in one step, for clients that send nick and password together (the web): a known nick
   * must match its password (null when it does not; see wrongPassword), a new one creates the
   * account, as the terminal login does. A banned nick is put out (BannedError).
   */
  async passwordLogin(session: Session, nick: string, password: string): Promise<User | null> {
    const valid = validateNick(nick.trim());
    await this.moderation.refuseBanned(session, valid);
    const existing = await this.store.findUser(valid);
    if (existing) {
      if (await this.verify(password, existing)) return existing;
      this.wrongPassword(session, existing.nick);
      return null;
    }
    try {
      return await this.create(valid, password, session);
    } catch (e) {
      // Someone took the nick between the lookup and the insert: it is now an existing account.
      if (!(e instanceof NickTakenError)) throw e;
      const user = await this.store.findUser(valid);
      if (user && (await this.verify(password, user))) return user;
      this.wrongPassword(session, valid);
      return null;
    }
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
  async changePassword(user: User, password: string) {
    const hash = await this.passwords.hash(checkPassword(password));
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
