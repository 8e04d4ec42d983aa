import type { Accounts } from "./accounts.ts";
import type { Directory } from "./directory.ts";
import type { Entry } from "./entry.ts";
import type { ChatEvent, HelpEntry } from "./events.ts";
import type { Limits } from "./limits.ts";
import type { Memberships } from "./memberships.ts";
import type { Messaging } from "./messaging.ts";
import type { ServerInfo } from "./motd.ts";
import type { Reads } from "./reads.ts";
import type { Session } from "./session.ts";
import type { Sessions } from "./sessions.ts";
import type { Target, User } from "./types.ts";

/**
 * What a command may use. Each command declares the few parts it needs (Pick<CommandContext, …>),
 * so what it depends on is written at its head.
 */
export interface CommandContext {
  session: Session;
  /** The logged-in user; commands that run before login do not ask for it. */
  user: User;
  /** The conversation the input came from: the web's open tab, or a terminal's current room. */
  target: Target;
  /** The client's id for the message this input makes, when its frame carried one. */
  cid?: string;
  send(event: ChatEvent): void;
  messaging: Messaging;
  memberships: Memberships;
  reads: Reads;
  directory: Directory;
  accounts: Accounts;
  entry: Entry;
  sessions: Pick<Sessions, "quit">;
  help: { all(): HelpEntry[]; find(name: string): HelpEntry | undefined };
  server: ServerInfo;
  limits: Limits;
}
