import { fail, missing } from "./errors.ts";
import { messageText } from "./delivery.ts";
import type { Limits } from "./limits.ts";
import type { Presence } from "./presence.ts";
import { membership } from "./reads.ts";
import type { Session } from "./session.ts";
import type { Store } from "./store.ts";
import type { ChatMessage, MessageKind, RoomRef, Target, User } from "./types.ts";
import type { MessageWriter } from "./writer.ts";

/** Saying things: to a room the user is in, or privately to one person. */
export class Messaging {
  constructor(
    private readonly writer: MessageWriter,
    private readonly store: Pick<Store, "findUser">,
    private readonly presence: Presence,
    private readonly limits: Pick<Limits, "maxLineBytes">,
    /** A queued room message the store refused: its sender must hear that it was not sent. */
    private readonly notStored: (session: Session, e: unknown) => void,
  ) {}

  /**
   * Text to a conversation. A room message is queued without waiting for the store, so a fast
   * typist is not held to one commit per line; a private one is awaited, since it may have to say
   * that the recipient is offline.
   */
  async send(session: Session, target: Target, text: string, emote = false) {
    if ("with" in target) {
      await this.whisper(session, target.with, text, emote ? "emote" : "private");
      return;
    }
    this.say(session, this.room(session, target.room), text, emote ? "emote" : "public").catch((e) => this.notStored(session, e));
  }

  /** Stores and delivers a message to a room; resolves when delivered. */
  say(session: Session, room: RoomRef, text: string, kind: MessageKind = "public"): Promise<ChatMessage> {
    const user = session.user!;
    return this.writer.submit({ kind, senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: messageText(text, this.limits.maxLineBytes) });
  }

  /** Stores and delivers a private message; an offline recipient sees it at their next login. */
  async whisper(session: Session, to: string, text: string, kind: "private" | "emote" = "private"): Promise<ChatMessage> {
    const body = messageText(text, this.limits.maxLineBytes);
    const user = session.user!;
    const target = this.presence.get(to)?.user ?? (await this.store.findUser(to));
    if (!target) throw missing("no_such_user", { nick: to });
    if (target.id === user.id) throw fail("self_message");
    const message = await this.writer.submit({ kind, senderId: user.id, from: user.nick, recipientId: target.id, to: target.nick, text: body });
    if (!this.presence.isOnline(target.nick)) session.send({ type: "notice", notice: { key: "offline_recipient", params: { nick: target.nick } } });
    return message;
  }

  /** Who sent the user's last private message, for /reply. */
  lastPrivateFrom(user: User): string | null {
    return this.presence.get(user.nick)?.lastPrivateFrom ?? null;
  }

  /** The account's room named `name`; saying something in a room takes being in it. */
  room(session: Session, name: string): RoomRef {
    const room = membership(this.presence.get(session.user!.nick), name);
    if (!room) throw fail("not_member", { room: name });
    return room;
  }
}
