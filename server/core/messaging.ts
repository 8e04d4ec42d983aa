import { fail, missing } from "./errors.ts";
import { messageText } from "./delivery.ts";
import type { Limits } from "./limits.ts";
import type { Presence } from "./presence.ts";
import { membership } from "./reads.ts";
import type { Session } from "./session.ts";
import type { StoreHealth } from "./health.ts";
import { StoreUnavailableError, type Store } from "./store.ts";
import type { ChatMessage, MessageKind, NewMessage, RoomRef, Target, User } from "./types.ts";
import type { MessageWriter } from "./writer.ts";

/** Saying things: to a room the user is in, or privately to one person. */
export class Messaging {
  constructor(
    private readonly writer: MessageWriter,
    private readonly store: Pick<Store, "findUser" | "messageByClientId">,
    private readonly presence: Presence,
    private readonly limits: Pick<Limits, "maxLineBytes">,
    private readonly health: Pick<StoreHealth, "healthy">,
    /** A queued room message the store refused: its sender must hear that it was not sent. */
    private readonly notStored: (session: Session, e: unknown, cid?: string) => void,
  ) {}

  /** Messages with a client id on their way to the store, so a resend meanwhile waits for the first. */
  private readonly sending = new Map<string, Promise<ChatMessage>>();

  /**
   * Text to a conversation. A room message is queued without waiting for the store, so a fast
   * typist is not held to one commit per line; a private one is awaited, since it may have to say
   * that the recipient is offline.
   */
  async send(session: Session, target: Target, text: string, emote = false, cid?: string) {
    this.refuseWhileDown();
    if ("with" in target) {
      await this.whisper(session, target.with, text, emote ? "emote" : "private", cid);
      return;
    }
    const room = this.room(session, target.room);
    // A resend is answered with what was stored; only a new message goes to the writer, unawaited.
    if (cid !== undefined && (await this.resent(session, cid))) return;
    this.say(session, room, text, emote ? "emote" : "public", cid).catch((e) => this.notStored(session, e, cid));
  }

  /** Stores and delivers a message to a room; resolves when delivered. */
  say(session: Session, room: RoomRef, text: string, kind: MessageKind = "public", cid?: string): Promise<ChatMessage> {
    const user = session.user!;
    this.refuseWhileDown();
    const message: NewMessage = { kind, senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: messageText(text, this.limits.maxLineBytes) };
    if (cid === undefined) return this.writer.submit(message);
    message.cid = cid;
    return this.submitOnce(user, message, cid);
  }

  /** Stores and delivers a private message; an offline recipient sees it at their next login. */
  async whisper(session: Session, to: string, text: string, kind: "private" | "emote" = "private", cid?: string): Promise<ChatMessage> {
    const body = messageText(text, this.limits.maxLineBytes);
    const user = session.user!;
    let message: ChatMessage;
    let target: User | null;
    try {
      if (cid !== undefined) {
        const stored = await this.resent(session, cid);
        if (stored) return stored;
      }
      target = this.presence.get(to)?.user ?? (await this.store.findUser(to));
      if (!target) throw missing("no_such_user", { nick: to });
      if (target.id === user.id) throw fail("self_message");
      this.refuseWhileDown();
      const whispered: NewMessage = { kind, senderId: user.id, from: user.nick, recipientId: target.id, to: target.nick, text: body };
      if (cid === undefined) message = await this.writer.submit(whispered);
      else message = await this.submitOnce(user, { ...whispered, cid }, cid);
    } catch (e) {
      throw e instanceof StoreUnavailableError ? fail("not_sent_store_down") : e;
    }
    if (!this.presence.isOnline(target.nick)) session.send({ type: "notice", notice: { key: "offline_recipient", params: { nick: target.nick } } });
    return message;
  }

  /**
   * A message the client already sent under `cid` (stored, or on its way): this session is sent it
   * again, with its id, and nothing new is stored. Null when the id is new.
   */
  private async resent(session: Session, cid: string): Promise<ChatMessage | null> {
    const user = session.user!;
    let stored: ChatMessage | null;
    try {
      stored = (await this.sending.get(sendingKey(user, cid))?.catch(() => null)) ?? (await this.store.messageByClientId(user.id, cid));
    } catch (e) {
      throw e instanceof StoreUnavailableError ? fail("not_sent_store_down") : e;
    }
    if (stored) session.send({ type: "message", message: { ...stored, cid } });
    return stored;
  }

  private submitOnce(user: User, message: NewMessage, cid: string): Promise<ChatMessage> {
    const key = sendingKey(user, cid);
    const submitted = this.writer.submit(message);
    this.sending.set(key, submitted);
    const forget = () => void (this.sending.get(key) === submitted && this.sending.delete(key));
    submitted.then(forget, forget);
    return submitted;
  }

  /** While the database is away a message is refused at once, never held until it is back. */
  private refuseWhileDown() {
    if (!this.health.healthy) throw fail("not_sent_store_down");
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

const sendingKey = (user: User, cid: string) => `${user.id} ${cid}`;
