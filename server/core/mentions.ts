import { foldKey } from "./names.ts";
import type { NewMessage } from "./types.ts";

// Who a message names: "@nick" anywhere, or "nick:" / "nick," at the start, as IRC clients
// address people. Nick characters are those names.ts allows; a trailing "." or "-" is more
// often punctuation ("thanks @ana.") than part of the nick, so both readings are tried.

const NICK = "[\\p{L}\\p{M}\\p{N}_.\\-]+";
const AT = new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_.\\-@])@(${NICK})`, "gu");
const ADDRESS = new RegExp(`^(${NICK})[:,](?:\\s|$)`, "u");
const TRAILING = /[._-]+$/;

/** The folded nicks a text may name, without duplicates. Cheap when it names nobody. */
export function mentionCandidates(text: string): string[] {
  const address = ADDRESS.exec(text);
  if (!address && !text.includes("@")) return [];
  const found = new Set<string>();
  const add = (nick: string) => {
    found.add(foldKey(nick));
    const bare = nick.replace(TRAILING, "");
    if (bare && bare !== nick) found.add(foldKey(bare));
  };
  if (address) add(address[1]!);
  for (const m of text.matchAll(AT)) add(m[1]!);
  return [...found];
}

type Account = { id: number; nick: string };

/**
 * Turns candidates into accounts for a batch about to be stored, with one lookup per batch for
 * nicks not seen before. Accounts found are remembered (nicks do not change hands); candidates
 * that name nobody are asked again next time, since such an account may be created meanwhile.
 */
export class MentionResolver {
  private readonly known = new Map<string, Account>();

  constructor(private readonly lookup: (keys: string[]) => Promise<Account[]>, private readonly maxKnown = 100_000) {}

  async resolve(batch: NewMessage[]): Promise<void> {
    const wanted: { message: NewMessage; keys: string[] }[] = [];
    const unknown = new Set<string>();
    for (const message of batch) {
      // A private message already goes to the one person it could name.
      if (message.roomId === undefined) continue;
      const keys = mentionCandidates(message.text);
      if (keys.length === 0) continue;
      wanted.push({ message, keys });
      for (const k of keys) if (!this.known.has(k)) unknown.add(k);
    }
    if (wanted.length === 0) return;
    if (unknown.size > 0) {
      if (this.known.size > this.maxKnown) this.known.clear();
      for (const account of await this.lookup([...unknown])) this.known.set(foldKey(account.nick), account);
    }
    for (const { message, keys } of wanted) {
      const named = new Map<number, Account>();
      for (const k of keys) {
        const account = this.known.get(k);
        if (account && account.id !== message.senderId) named.set(account.id, account);
      }
      if (named.size > 0) message.mentions = [...named.values()];
    }
  }

  /** An account renamed or removed: its old nick names nobody now. */
  forget(nick: string) {
    this.known.delete(foldKey(nick));
  }
}
