import type { Presence } from "./presence.ts";
import type { Session } from "./session.ts";

/** The names a terminal's Tab may complete: what the edge's editor sees of the core. */
export interface CommandNames {
  /** Every name a visible command answers to, Spanish ones included. */
  names(): string[];
}

// A Tab on "a" in a big chat should not list thousands of nicks.
const MAX_CANDIDATES = 50;

/** Candidates for a word being typed: command names, the user's rooms (#…), or nicks online. */
export class Completion {
  constructor(private readonly presence: Presence, private readonly commands: CommandNames) {}

  complete(session: Session, word: string, command: boolean): string[] {
    const prefix = word.toLowerCase();
    const starts = (name: string) => name.toLowerCase().startsWith(prefix);
    if (command) return this.commands.names().filter(starts).sort().slice(0, MAX_CANDIDATES);
    const user = session.user;
    if (!user) return [];
    const found: string[] = [];
    if (word.startsWith("#")) {
      const mine = this.presence.get(user.nick)?.rooms.values() ?? [];
      for (const r of mine) if (starts(r.name)) found.push(r.name);
    } else {
      for (const nick of this.presence.nicks()) {
        if (starts(nick)) found.push(nick);
        if (found.length >= MAX_CANDIDATES) break;
      }
    }
    return found.sort();
  }
}
