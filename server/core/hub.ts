import { LEAVE_REASON_MAX_BYTES, PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS, STATUS_NOTE_MAX_BYTES, type Limits } from "../config/schema.ts";
import { enter, type Resume } from "./entry.ts";
import { deliver, messageText, timedInsert } from "./delivery.ts";
import { CommandError, NotFoundError } from "./errors.ts";
import type { OnlineUser } from "./events.ts";
import { join, leave, leaveRoom } from "./joining.ts";
import type { Log } from "./log.ts";
import { silentLog } from "./log.ts";
import { validateNick } from "./names.ts";
import { Presence, type Online } from "./presence.ts";
import type { Registry } from "./registry.ts";
import { RoomTable, type Publisher, type RoomState } from "./rooms.ts";
import { Session, type SessionSink } from "./session.ts";
import { Stats } from "./stats.ts";
import type { Store } from "./store.ts";
import { cleanText, exceedsBytes, truncateBytes } from "./text.ts";
import type { ChatMessage, MessageKind, Status, User } from "./types.ts";
import { MessageWriter } from "./writer.ts";
import { refuseBanned } from "./moderation.ts";
import { RateCounter } from "./rate.ts";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface HubSettings {
  serverName: string;
  motd: string[];
  limits: Limits;
}

/**
 * The chat's centre: who is connected, who is in which room, and who receives what.
 * It knows nothing about sockets; transports hand it lines and render what it sends.
 */
export class Hub {
  readonly sessions = new Set<Session>();
  readonly presence = new Presence();
  /** Online accounts by folded nick; the same map as presence.online. */
  readonly online = this.presence.online;
  readonly rooms = new RoomTable();
  readonly stats = new Stats();
  /** Messages stored per second over the last minute, for `chat admin status`. */
  readonly messageRate = new RateCounter(60);
  readonly startedAt = new Date();
  private readonly writer: MessageWriter;
  /** Store writes nobody awaits (logouts); shutdown waits for them before the store closes. */
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    readonly store: Store,
    readonly passwords: PasswordHasher,
    readonly settings: HubSettings,
    readonly commands: Registry,
    readonly log: Log = silentLog,
  ) {
    this.writer = new MessageWriter(
      (batch) => timedInsert(this, batch),
      (m) => deliver(this, m),
      (e) => log.error("delivery failed", { error: String(e) }),
    );
  }

  /** `watchesPresence`: once logged in, the session hears everyone's presence (the web's user list). */
  connect(sink: SessionSink, { watchesPresence = false } = {}): Session {
    const session: Session = new Session(sink, {
      watchesPresence,
      maxQueued: this.settings.limits.maxQueuedLines,
      promptTimeoutMs: this.settings.limits.promptTimeoutSeconds * 1000,
      loginTimeoutMs: this.settings.limits.loginTimeoutSeconds * 1000,
      onLoginTimeout: () => this.drop(session, new CommandError("Login timed out", "login_timeout")),
      onFlood: () => {
        this.log.warn("flood", { transport: sink.transport, remote: sink.remote });
        this.drop(session, new CommandError("Too many lines waiting to run; closing", "flood"));
      },
    });
    this.sessions.add(session);
    return session;
  }

  /**
   * A transport that can write one event to many of its connections at once (Bun's WebSocket
   * pub/sub) registers it here; room messages then reach its sessions that have `sink.topics`
   * with one publish per room, not one send per session.
   */
  publishRoomsVia(transport: SessionSink["transport"], publish: Publisher) {
    this.rooms.publishVia(transport, publish);
  }

  /** A line typed by the user: the answer to a prompt, or a command or text to run in its turn. */
  input(session: Session, line: string): Promise<void> {
    return session.typed(line);
  }

  /** Runs a line as a command now; the session's inbox calls it in turn. */
  execute(session: Session, line: string): Promise<void> {
    if (!session.user || line.trim() === "") return Promise.resolve();
    return this.attempt(session, () => this.commands.run({ hub: this, session, user: session.user! }, line));
  }

  /** Runs an action now, showing the user any error it raises. */
  async attempt(session: Session, action: () => unknown): Promise<void> {
    // An action queued behind a slow one must not run for a session that has since gone.
    if (session.closed) return;
    try {
      await action();
    } catch (e) {
      this.report(session, e);
    }
  }

  /** Shows a CommandError to its user; anything else is logged and shown as a generic failure. */
  report(session: Session, e: unknown) {
    if (e instanceof CommandError) {
      session.send({ type: "error", code: e.code, message: e.message });
    } else {
      this.log.error("command failed", { session: session.id, error: String(e) });
      session.send({ type: "error", code: "internal", message: "Something went wrong; nothing was changed" });
    }
  }

  /** Finds an account and checks its password; null when either is wrong. */
  async authenticate(nick: string, password: string): Promise<User | null> {
    const user = await this.store.findUser(nick);
    if (!user || !(await this.passwords.verify(password, user.passwordHash))) return null;
    return user;
  }

  async createAccount(nick: string, password: string): Promise<User> {
    return this.store.createUser(validateNick(nick), await this.passwords.hash(checkPassword(password)));
  }

  /** Puts an authenticated session into the chat; see entry.ts. A banned account is put out (BannedError). */
  async enter(session: Session, user: User, resume?: Resume) {
    // Logins that take a password check before it too, so a banned account cannot be used to
    // guess it; this check is the one every path passes, and it sees a ban made meanwhile.
    await refuseBanned(this, session, user.nick);
    return enter(this, session, user, resume);
  }

  /** Moves the session to a room, replaying its recent messages, or on a resume all it missed. */
  join(session: Session, name: string, resumeSince?: number): Promise<void> {
    return join(this, session, name, resumeSince);
  }

  /** Back to the lobby. */
  leave(session: Session): Promise<void> {
    return leave(this, session);
  }

  /** Stores and delivers a message to the session's room. Resolves when delivered. */
  say(session: Session, text: string, kind: MessageKind = "public"): Promise<ChatMessage> {
    const room = session.room;
    if (!room) throw new CommandError("You are not in a room; /join one first");
    const user = session.user!;
    return this.writer.submit({ kind, senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: messageText(text, this.settings.limits.maxLineBytes) });
  }

  /**
   * Like say(), without waiting for the store: a fast typist is not held to one commit per line.
   * Bad text still throws here; a store failure is reported to the sender.
   */
  post(session: Session, text: string, kind: MessageKind = "public") {
    this.say(session, text, kind).catch((e) => {
      this.log.error("message not stored", { nick: session.user?.nick, error: String(e) });
      this.report(session, new CommandError("Message not sent: it could not be stored; try again", "not_stored"));
    });
  }

  /** Stores and delivers a private message; an offline recipient gets it at next login. */
  async whisper(session: Session, to: string, text: string): Promise<ChatMessage> {
    const body = messageText(text, this.settings.limits.maxLineBytes);
    const user = session.user!;
    const target = this.onlineUser(to)?.user ?? (await this.store.findUser(to));
    if (!target) throw new NotFoundError(`No user named "${to}"`, "no_such_user");
    if (target.id === user.id) throw new CommandError("You cannot send a private message to yourself");
    const message = await this.writer.submit({
      kind: "private", senderId: user.id, from: user.nick, recipientId: target.id, to: target.nick, text: body,
    });
    if (!this.onlineUser(target.nick)) {
      session.send({ type: "system", text: `${target.nick} is offline and will see your message at their next login` });
    }
    return message;
  }

  async setStatus(session: Session, status: Status, note: string) {
    const user = session.user!;
    const clean = cleanText(note).trim();
    if (exceedsBytes(clean, STATUS_NOTE_MAX_BYTES)) throw new CommandError(`Status note is too long (${STATUS_NOTE_MAX_BYTES} bytes at most)`);
    await this.store.setStatus(user.id, status, clean);
    user.status = status;
    user.statusNote = clean;
    const rooms = new Set<RoomState>();
    // The account may have logged out while the status was stored.
    for (const s of this.onlineUser(user.nick)?.sessions ?? []) {
      const state = s.room && this.rooms.get(s.room.name);
      if (state) rooms.add(state);
    }
    this.presence.announce(this.presence.event(user, "status"), ...rooms);
  }

  /**
   * Ends a session and closes its connection. With `why`, the user is told first and the connection
   * closes as a policy close; `roomReason` is what the room sees in "left (…)".
   */
  drop(session: Session, why?: CommandError, roomReason?: string) {
    // Sent before disconnect: a closed session sends nothing.
    if (why) this.report(session, why);
    this.disconnect(session, roomReason);
    session.sink.close(why?.message);
  }

  /** Ends a session: leaves its room, and when it was the account's last, records the logout. */
  disconnect(session: Session, reason?: string) {
    if (!session.end()) return;
    // A quit or kick reason reaches other people's screens: one clean line, of bounded size.
    reason = reason === undefined ? undefined : truncateBytes(cleanText(reason).trim(), LEAVE_REASON_MAX_BYTES) || undefined;
    this.sessions.delete(session);
    const user = session.user;
    // Leave the online set first, so the "left" announcement says whether the user is still here.
    const online = this.presence.remove(session);
    leaveRoom(this, session, reason);
    if (!user || !online) return;
    this.log.info("logout", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote });
    if (online.sessions.size > 0) return;
    this.presence.announce(this.presence.event(user, "offline"));
    const write = this.store.markSeen(user.id, online.pmSeen)
      .catch((e) => this.log.error("markSeen failed", { nick: user.nick, error: String(e) }))
      .finally(() => this.background.delete(write));
    this.background.add(write);
  }

  /** Tells everyone, stores every accepted message, and closes every session. */
  async shutdown(text: string) {
    for (const s of this.sessions) s.send({ type: "system", text });
    // What a user already started (a password being changed, say) finishes before the store closes.
    const running = [...this.sessions].map((s) => s.idle());
    await this.writer.drain();
    for (const s of [...this.sessions]) {
      this.disconnect(s);
      s.sink.close();
    }
    await Promise.all(running);
    await this.writer.drain();
    await Promise.all(this.background);
  }

  /** Registers an authenticated session as online; returns its account's shared state. */
  addOnline(session: Session, user: User): { online: Online; first: boolean } {
    return this.presence.add(session, user);
  }

  /** Rooms with how many distinct users are in each right now. */
  async roomList(): Promise<{ name: string; users: number }[]> {
    return (await this.store.listRooms()).map((room) => ({ name: room.name, users: this.rooms.userCount(room.name) }));
  }

  onlineUsers(): OnlineUser[] {
    return this.presence.users();
  }

  onlineUser(nick: string): Online | undefined {
    return this.presence.get(nick);
  }
}

export function checkPassword(password: string): string {
  if ([...password].length < PASSWORD_MIN_CHARS) throw new CommandError(`Password must be at least ${PASSWORD_MIN_CHARS} characters long`);
  if (exceedsBytes(password, PASSWORD_MAX_BYTES)) throw new CommandError(`Password is too long (${PASSWORD_MAX_BYTES} bytes at most)`);
  return password;
}
