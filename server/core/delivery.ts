import { fail } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { Presence } from "./presence.ts";
import type { Reads } from "./reads.ts";
import type { RoomTable } from "./rooms.ts";
import type { Stats } from "./stats.ts";
import { MESSAGE_LINES_MAX } from "./limits.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import type { ChatMessage, NewMessage } from "./types.ts";

/**
 * A message's text as it will be stored; throws when there is nothing to send or too much. A line
 * break ("\n", "\r\n" or "\r") splits it into lines, each cleaned on its own: only an app's frame
 * can hold one (a terminal's input is cut into lines before it gets here), and every client shows
 * the lines as one message (terminals indent the later ones). Blank lines at either end go.
 */
export function messageText(text: string, maxLineBytes: number): string {
  const lines = text.split(/\r\n|\r|\n/).map((l) => cleanText(l).trimEnd());
  while (lines.length && lines[0]!.trim() === "") lines.shift();
  while (lines.length && lines.at(-1) === "") lines.pop();
  if (!lines.length) throw fail("nothing_to_send");
  if (lines.length > MESSAGE_LINES_MAX) throw fail("too_many_lines", { max: MESSAGE_LINES_MAX });
  const body = lines.join("\n");
  if (exceedsBytes(body, maxLineBytes)) throw fail("too_long", { max: maxLineBytes });
  return body;
}

/**
 * Sends a stored message to who should see it: a room's viewers (with a one-line notice to
 * members named in it who are looking elsewhere), or every session of a private message's two ends.
 */
export class Delivery {
  constructor(
    private readonly rooms: RoomTable,
    private readonly presence: Presence,
    private readonly reads: Reads,
    private readonly stats: Stats,
  ) {}

  deliver(message: ChatMessage, sent: NewMessage) {
    const event: ChatEvent = { type: "message", message };
    if (sent.roomId !== undefined) {
      // Once per transport that fans out, not once per viewer: see RoomTable.broadcast.
      const state = this.rooms.get(sent.roomId);
      if (state) {
        state.lastId = message.id;
        this.stats.deliveries += this.rooms.broadcast(state, event);
      }
      if (sent.mentions) this.notifyMentioned(message, sent.roomId, sent.mentions);
      return;
    }
    const recipient = this.presence.get(message.to!);
    if (recipient) {
      recipient.lastPrivateFrom = message.from;
      this.sendPrivate(recipient.sessions, event, { id: sent.senderId, nick: message.from });
    }
    const sender = this.presence.get(message.from);
    if (sender) this.sendPrivate(sender.sessions, event, null);
  }

  /** To the recipient's sessions, a terminal marking it read as it shows it (`from` is null for the sender's). */
  private sendPrivate(sessions: Iterable<import("./session.ts").Session>, event: ChatEvent & { type: "message" }, from: { id: number; nick: string } | null) {
    let shownOnTerminal = false;
    let n = 0;
    for (const s of sessions) {
      s.send(event);
      if (!s.seesAllRooms) shownOnTerminal = true;
      n++;
    }
    this.stats.deliveries += n;
    const user = shownOnTerminal && from ? this.presence.get(event.message.to!)?.user : undefined;
    if (user && from) this.reads.shownPrivate(user, from, event.message.id);
  }

  /** Members named in a room message who have a session not showing that room get a notice there. */
  private notifyMentioned(message: ChatMessage, roomId: number, named: { nick: string }[]) {
    for (const { nick } of named) {
      const online = this.presence.get(nick);
      if (!online?.rooms.has(roomId)) continue;
      for (const s of online.sessions) {
        if (!this.rooms.viewing(s, roomId)) s.send({ type: "mention", message });
      }
    }
  }
}
