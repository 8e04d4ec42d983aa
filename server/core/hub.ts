import type { Limits } from "../config/schema.ts";
import { enter, type Resume } from "./entry.ts";
import { CommandError } from "./errors.ts";
import type { ChatEvent, OnlineUser, PresenceEvent } from "./events.ts";
import type { Log } from "./log.ts";
import { silentLog } from "./log.ts";
import { validateNick, validateRoomName } from "./names.ts";
import type { Registry } from "./registry.ts";
import { RoomTable, type RoomState } from "./rooms.ts";
import { Session, type SessionSink } from "./session.ts";
import { Stats } from "./stats.ts";
import { foldKey, type Store } from "./store.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import type { ChatMessage, MessageKind, Status, User } from "./types.ts";
import { MessageWriter } from "./writer.ts";
import { checkBan } from "./moderation.ts";
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

/** An account with at least one session. Sessions of one account share this. */
export interface Online {
  user: User;
  sessions: Set<Session>;
  /** Highest private message id shown to this account, persisted at logout. */
  pmSeen: number;
  lastPrivateFrom: string | null;
}

export const LOBBY = "#lobby";
const NOTE_MAX_BYTES = 200;
const PASSWORD_MIN = 4;
const PASSWORD_MAX_BYTES = 256;

/**
 * The chat's centre: who is connected, who is in which room, and who receives what.
 * It knows nothing about sockets; transports hand it lines and render what it sends.
 */
export class Hub {
  readonly sessions = new Set<Session>();
  readonly online = new Map<string, Online>();
  readonly rooms = new RoomTable();
  readonly stats = new Stats();
  /** Messages stored per second over the last minute, for `chat admin status`. */
  readonly messageRate = new RateCounter(60);
  readonly startedAt = new Date();
  private readonly writer: MessageWriter;
  /** Sessions that keep a live list of everyone online (the web client). */
  private readonly watchers = new Set<Session>();
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
      (batch) => this.timedInsert(batch),
      (m) => this.deliver(m),
      (e) => log.error("delivery failed", { error: String(e) }),
    );
  }

  connect(sink: SessionSink, { watchesPresence = false } = {}): Session {
    const session = new Session(sink);
    this.sessions.add(session);
    if (watchesPresence) this.watchers.add(session);
    return session;
  }

  /** A line typed by the user: the answer to a prompt, or a command or text to run. */
  input(session: Session, line: string): Promise<void> {
    if (session.closed || session.answer(line)) return Promise.resolve();
    if (!session.user || line.trim() === "") return Promise.resolve();
    return session.serially(() => this.execute(session, line));
  }

  /** Runs a line now; for callers that already keep the session's actions in order. */
  execute(session: Session, line: string): Promise<void> {
    if (!session.user || line.trim() === "") return Promise.resolve();
    return this.attempt(session, () => this.commands.run({ hub: this, session, user: session.user! }, line));
  }

  /** Runs a user's action after their earlier ones, showing them any error it raises. */
  act(session: Session, action: () => unknown): Promise<void> {
    return session.serially(() => this.attempt(session, action));
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

  /** Puts an authenticated session into the chat; see entry.ts. Throws BannedError for a banned account. */
  async enter(session: Session, user: User, resume?: Resume) {
    await this.checkBan(user.nick);
    return enter(this, session, user, resume);
  }

  /** Throws BannedError (a CommandError, code "banned") when `nick` is banned now. */
  checkBan(nick: string): Promise<void> {
    return checkBan(this, nick);
  }

  /** Moves the session to a room, replaying its recent messages, or on a resume all it missed. */
  async join(session: Session, name: string, resumeSince?: number) {
    const user = session.user!;
    const roomName = validateRoomName(name);
    const state = await this.rooms.open(this.store, roomName, user.id);
    if (session.room?.id === state.room.id && resumeSince === undefined) {
      throw new CommandError(`You are already in ${state.room.name}`);
    }
    this.leaveRoom(session);
    // Live messages wait until the replay has been sent, so nothing shows twice or out of order.
    session.hold();
    if (this.rooms.add(session, state)) this.announce(this.presence(user, "joined", state.room.name), state);
    try {
      const replay = await this.replay(session, state, resumeSince);
      const lastId = Math.max(0, ...replay.flatMap((e) => (e.type === "history" ? e.messages : e.type === "message" ? [e.message] : [])).map((m) => m.id));
      // A plain join replays only the room, so private messages held meanwhile are all new.
      session.release([{ type: "room", room: state.room.name }, ...replay], (m) =>
        m.id <= lastId && (resumeSince !== undefined || m.room !== undefined));
    } catch (e) {
      session.release([], () => false);
      throw e;
    }
  }

  /** A room's recent history on a plain join; on a resume, every message the session missed. */
  private async replay(session: Session, state: RoomState, resumeSince?: number): Promise<ChatEvent[]> {
    const { historyDefault, historyMax } = this.settings.limits;
    if (resumeSince === undefined) {
      const messages = await this.store.roomHistory(state.room.id, historyDefault);
      return messages.length ? [{ type: "history", title: `Recent messages in ${state.room.name}`, messages, room: state.room.name }] : [];
    }
    const user = session.user!;
    const missed = await this.store.messagesSince(user.id, state.room.id, resumeSince, historyMax * 5);
    const online = this.online.get(foldKey(user.nick));
    for (const m of missed) if (m.to === user.nick && online) online.pmSeen = Math.max(online.pmSeen, m.id);
    return missed.map((message) => ({ type: "message", message }));
  }

  /** Back to the lobby. */
  async leave(session: Session) {
    if (session.room?.name === LOBBY) throw new CommandError(`You are in ${LOBBY}, the room everyone starts in; /join another room first`);
    await this.join(session, LOBBY);
  }

  /** Stores and delivers a message to the session's room. Resolves when delivered. */
  say(session: Session, text: string, kind: MessageKind = "public"): Promise<ChatMessage> {
    const room = session.room;
    if (!room) throw new CommandError("You are not in a room; /join one first");
    const user = session.user!;
    return this.writer.submit({ kind, senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: this.messageText(text) });
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
    const body = this.messageText(text);
    const user = session.user!;
    const target = this.online.get(foldKey(to))?.user ?? (await this.store.findUser(to));
    if (!target) throw new CommandError(`No user named "${to}"`, "no_such_user");
    if (target.id === user.id) throw new CommandError("You cannot send a private message to yourself");
    const message = await this.writer.submit({
      kind: "private", senderId: user.id, from: user.nick, recipientId: target.id, to: target.nick, text: body,
    });
    if (!this.online.has(foldKey(target.nick))) {
      session.send({ type: "system", text: `${target.nick} is offline and will see your message at their next login` });
    }
    return message;
  }

  async setStatus(session: Session, status: Status, note: string) {
    const user = session.user!;
    const clean = cleanText(note).trim();
    if (exceedsBytes(clean, NOTE_MAX_BYTES)) throw new CommandError(`Status note is too long (${NOTE_MAX_BYTES} bytes at most)`);
    await this.store.setStatus(user.id, status, clean);
    user.status = status;
    user.statusNote = clean;
    const rooms = new Set<RoomState>();
    for (const s of this.online.get(foldKey(user.nick))!.sessions) {
      const state = s.room && this.rooms.get(s.room.name);
      if (state) rooms.add(state);
    }
    this.announce(this.presence(user, "status"), ...rooms);
  }

  /** Ends a session: leaves its room, and when it was the account's last, records the logout. */
  disconnect(session: Session, reason?: string) {
    if (!session.end()) return;
    this.sessions.delete(session);
    this.watchers.delete(session);
    const user = session.user;
    const key = user ? foldKey(user.nick) : "";
    const online = this.online.get(key);
    // Leave the online set first, so the "left" announcement says whether the user is still here.
    online?.sessions.delete(session);
    if (online?.sessions.size === 0) this.online.delete(key);
    this.leaveRoom(session, reason);
    if (!user || !online) return;
    this.log.info("logout", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote });
    if (online.sessions.size > 0) return;
    this.announce(this.presence(user, "offline"));
    const write = this.store.markSeen(user.id, online.pmSeen)
      .catch((e) => this.log.error("markSeen failed", { nick: user.nick, error: String(e) }))
      .finally(() => this.background.delete(write));
    this.background.add(write);
  }

  /** Tells everyone, stores every accepted message, and closes every session. */
  async shutdown(text: string) {
    for (const s of this.sessions) s.send({ type: "system", text });
    await this.writer.drain();
    for (const s of [...this.sessions]) {
      this.disconnect(s);
      s.sink.close();
    }
    await Promise.all(this.background);
  }

  /** Registers an authenticated session as online; returns its account's shared state. */
  addOnline(session: Session, user: User): { online: Online; first: boolean } {
    const key = foldKey(user.nick);
    let online = this.online.get(key);
    const first = !online;
    if (!online) {
      online = { user, sessions: new Set(), pmSeen: user.pmReadId, lastPrivateFrom: null };
      this.online.set(key, online);
    }
    online.sessions.add(session);
    session.user = online.user;
    if (first) this.announce(this.presence(online.user, "online"));
    return { online, first };
  }

  /** Rooms with how many distinct users are in each right now. */
  async roomList(): Promise<{ name: string; users: number }[]> {
    return (await this.store.listRooms()).map((room) => ({ name: room.name, users: this.rooms.userCount(room.name) }));
  }

  onlineUsers(): OnlineUser[] {
    return [...this.online.values()]
      .sort((a, b) => a.user.nick.localeCompare(b.user.nick))
      .map((o) => ({
        nick: o.user.nick,
        status: o.user.status,
        note: o.user.statusNote,
        rooms: [...new Set([...o.sessions].flatMap((s) => (s.room ? [s.room.name] : [])))],
      }));
  }

  onlineUser(nick: string): Online | undefined {
    return this.online.get(foldKey(nick));
  }

  private messageText(text: string): string {
    const body = cleanText(text).trimEnd();
    if (body.trim() === "") throw new CommandError("Nothing to send");
    if (exceedsBytes(body, this.settings.limits.maxLineBytes)) {
      throw new CommandError(`Message is too long (${this.settings.limits.maxLineBytes} bytes at most)`, "too_long");
    }
    return body;
  }

  private async timedInsert(batch: Parameters<Store["insertMessages"]>[0]) {
    const started = performance.now();
    try {
      const stored = await this.store.insertMessages(batch);
      this.stats.messagesStored += stored.length;
      this.messageRate.add(stored.length);
      return stored;
    } catch (e) {
      this.stats.storeErrors++;
      throw e;
    } finally {
      this.stats.storeBatches++;
      this.stats.storeSeconds += (performance.now() - started) / 1000;
    }
  }

  private deliver(message: ChatMessage) {
    const event: ChatEvent = { type: "message", message };
    if (message.room) {
      const state = this.rooms.get(message.room);
      if (state) this.sendAll(state.members, event);
      return;
    }
    const recipient = this.online.get(foldKey(message.to!));
    if (recipient) {
      recipient.pmSeen = Math.max(recipient.pmSeen, message.id);
      recipient.lastPrivateFrom = message.from;
      this.sendAll(recipient.sessions, event);
    }
    const sender = this.online.get(foldKey(message.from));
    if (sender) this.sendAll(sender.sessions, event);
  }

  private sendAll(sessions: Iterable<Session>, event: ChatEvent) {
    let n = 0;
    for (const s of sessions) {
      s.send(event);
      n++;
    }
    this.stats.deliveries += n;
  }

  private leaveRoom(session: Session, reason?: string) {
    const room = session.room;
    const emptied = this.rooms.remove(session);
    if (!room || !emptied) return;
    const event = this.presence(session.user!, "left", room.name);
    if (reason) event.reason = reason;
    this.announce(event, emptied);
  }

  private presence(user: User, change: PresenceEvent["change"], room?: string): PresenceEvent {
    const online = this.online.has(foldKey(user.nick));
    const event: PresenceEvent = { type: "presence", change, nick: user.nick, online, status: user.status, note: user.statusNote };
    if (room) event.room = room;
    return event;
  }

  /** To the members of the given rooms (joins, leaves, statuses) and to every presence watcher, once each. */
  private announce(event: PresenceEvent, ...rooms: RoomState[]) {
    const to = new Set(this.watchers);
    for (const state of rooms) for (const s of state.members) to.add(s);
    for (const s of to) s.send(event);
  }
}

export function checkPassword(password: string): string {
  if ([...password].length < PASSWORD_MIN) throw new CommandError(`Password must be at least ${PASSWORD_MIN} characters long`);
  if (exceedsBytes(password, PASSWORD_MAX_BYTES)) throw new CommandError(`Password is too long (${PASSWORD_MAX_BYTES} bytes at most)`);
  return password;
}
