import { checkPassword, type PasswordHasher } from "./accounts.ts";
import { CommandError, fail, missing } from "./errors.ts";
import { validateNick } from "./names.ts";
import { nickSkeleton } from "./nick-rules.ts";
import { notice } from "./notices.ts";
import type { Presence } from "./presence.ts";
import type { Sessions } from "./sessions.ts";
import { NickTakenError, type Store } from "./store.ts";
import type { User } from "./types.ts";

/** Letters and digits that cannot be misread for one another (no 0/O, 1/l/I). */
const PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const GENERATED_LENGTH = 16;

/**
 * What the operator does to accounts (`chat admin password|rename|delete`). Each ends the account's
 * sessions: a new password voids its resume tokens too, and a renamed or deleted account must not
 * stay online under its old name.
 */
export class AccountAdmin {
  constructor(
    private readonly store: Store,
    private readonly passwords: PasswordHasher,
    private readonly presence: Presence,
    private readonly sessions: Pick<Sessions, "drop">,
  ) {}

  /** Sets `password`, or a generated one (returned, to hand to the user). */
  async setPassword(nick: string, password?: string): Promise<{ nick: string; generated?: string }> {
    const user = await this.find(nick);
    const chosen = password ?? generatePassword();
    const hash = await this.passwords.hash(checkPassword(chosen));
    await this.store.setPassword(user.id, hash);
    this.endSessions(user);
    return password === undefined ? { nick: user.nick, generated: chosen } : { nick: user.nick };
  }

  /** Renames an account: the new nick must be free, and look like no other account. */
  async rename(from: string, to: string): Promise<{ from: string; to: string }> {
    const user = await this.find(from);
    const nick = validateNick(to.trim());
    try {
      await this.store.renameUser(user.id, nick, nickSkeleton(nick));
    } catch (e) {
      if (e instanceof NickTakenError) throw fail("nick_taken", { nick });
      throw e;
    }
    this.endSessions(user);
    return { from: user.nick, to: nick };
  }

  /** Deletes an account; its messages stay, from a deleted user, unless `purge`. */
  async remove(nick: string, purge: boolean): Promise<{ nick: string; purged: boolean }> {
    const user = await this.find(nick);
    this.endSessions(user);
    await this.store.deleteUser(user.id, purge);
    return { nick: user.nick, purged: purge };
  }

  private async find(nick: string): Promise<User> {
    const user = await this.store.findUser(nick);
    if (!user) throw missing("no_such_user", { nick });
    return user;
  }

  private endSessions(user: User) {
    const online = this.presence.get(user.nick);
    for (const s of [...(online?.sessions ?? [])]) this.sessions.drop(s, new CommandError(notice("account_changed")));
  }
}

function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GENERATED_LENGTH));
  return [...bytes].map((b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]).join("");
}
