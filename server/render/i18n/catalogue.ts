import type { HistoryReason } from "../../core/events.ts";
import type { NameKind, NoticeKey, NoticeParams } from "../../core/notices.ts";
import type { Status, Target } from "../../core/types.ts";

/**
 * Every word a user reads from the server, in one language. The core says what happened (a
 * notice key and its values, or an event's data); a catalogue says it. TypeScript checks that each
 * language has every notice and phrase; catalogue.test.ts checks the commands' help too.
 */
export interface Catalogue {
  notices: { [K in NoticeKey]: (p: NoticeParams[K]) => string };
  /** What each command does, for /help, by the command's name. */
  commands: Record<string, string>;
  text: Phrases;
}

export interface Phrases {
  error(message: string): string;
  name(what: NameKind): string;
  status(status: Status): string;
  online(nick: string): string;
  offline(nick: string, reason?: string): string;
  joined(nick: string, room: string): string;
  left(nick: string, room: string): string;
  statusChanged(nick: string, status: string, note: string): string;
  historyTitle(reason: HistoryReason, target: Target, count: number, unread?: number): string;
  noMessages: string;
  historyEnd: string;
  hello(nick: string, room: string): string;
  /** "#dev 5 (1 mention)" for a conversation with unread messages; `unread` is already a figure ("9999+"). */
  unreadItem(name: string, unread: string, mentions: number): string;
  unreadSummary(items: string[]): string;
  youJoined(room: string): string;
  youLeft(room: string): string;
  mentionedIn(room: string): string;
  usersTitle(count: number): string;
  yourRooms: string;
  otherRooms: string;
  roomPeople(online: number, members: number): string;
  profileTitle(nick: string): string;
  profileFields: { id: string; created: string; lastSeen: string; status: string; messages: string };
  onlineNow: string;
  never: string;
  helpTitle: string;
  helpFooter: string;
  alsoKnownAs(names: string): string;
  /** `terminal`: the terminal's on/off settings as "editor on, color auto, bell auto". */
  settings(lang: string, fromAccount: boolean, terminal: string): string;
  /** `chat connect`: the connection dropped and the next try is in `seconds`. */
  reconnecting(seconds: number): string;
  /** `chat connect`: back, with what was missed shown. */
  reconnected: string;
  /** `chat connect`: the server ended the session for good (a kick, a ban). */
  closedForGood: string;
  /** `chat connect`: the first connection failed. */
  cannotConnect(url: string, reason: string): string;
}
