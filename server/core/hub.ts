import type { Limits } from "../config/schema.ts";
import { CommandError } from "./errors.ts";
import type { ChatEvent, PresenceEvent } from "./events.ts";
import type { Log } from "./log.ts";
import { silentLog } from "./log.ts";
import { validateNick, validateRoomName } from "./names.ts";
import type { Registry } from "./registry.ts";
import { Session, type SessionSink } from "./session.ts";
import { foldKey, type Store } from "./store.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import type { ChatMessage, MessageKind, Room, Status, User } from "./types.ts";
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

interface RoomState {
  room: Room;
  members: Set<Session>;
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
  private readonly rooms = new Map<string, RoomState>();
  private readonly writer: MessageWriter;
  /** Store writes nobody awaits (logouts); shutdown waits for them before the store closes. */
  private readonly background = new Set<Promise<unknown>>();
  readonly startedAt = new Date();
  /** Messages stored per second over the last minute, for `chat admin status`. */
  readonly messageRate = new RateCounter(60);

  constructor(
    readonly store: Store,
    readonly passwords: PasswordHasher,
    readonly settings: HubSettings,
    readonly commands: Registry,
    readonly log: Log = silentLog,
  ) {
    this.writer = new MessageWriter(
      (batch) => store.insertMessages(batch),
      (m) => this.deliver(m),
      (e) => log.error("delivery failed", { error: String(e) }),
    );
  }

  connect(sink: SessionSink): Session {
    const session = new Session(sink);
    this.sessions.add(session);
    return session;
  }

  /** A line typed by the user: the answer to a prompt, or a command or text to run. */
  input(session: Session, line: string): Promise<void> {
    if (session.closed || session.answer(line)) return Promise.resolve();
    if (!session.user || line.trim() === "") return Promise.resolve();
    return session.serially(() => this.run(session, line));
  }

  private async run(session: Session, line: string) {
    // A line queued behind a slow command must not act for a session that has since gone.
    if (session.closed) return;
    try {
      await this.commands.run({ hub: this, session, user: session.user! }, line);
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

  /** Throws BannedError (a CommandError, code "banned") when `nick` is banned now. */
  checkBan(nick: string): Promise<void> {
    return checkBan(this, nick);
  }

  /** Puts an authenticated session into the chat: welcome, missed private messages, the lobby. Throws BannedError for a banned account. */
  async enter(session: Session, user: User) {
    await this.checkBan(user.nick);
    const key = foldKey(user.nick);
    let online = this.online.get(key);
    const first = !online;
    if (!online) {
      online = { user, sessions: new Set(), pmSeen: user.pmReadId, lastPrivateFrom: null };
      this.online.set(key, online);
    }
    online.sessions.add(session);
    session.user = online.user;
    this.log.info("login", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote });
    session.send({ type: "welcome", nick: user.nick, serverName: this.settings.serverName, motd: this.settings.motd, room: LOBBY });

    const missed = await this.store.privateSince(user.id, online.pmSeen, this.settings.limits.historyMax);
    if (missed.total > 0) {
      const shown = missed.messages.length < missed.total ? ` (the last ${missed.messages.length} below)` : "";
      const n = missed.total === 1 ? "1 private message" : `${missed.total} private messages`;
      session.send({ type: "system", text: `While you were away, ${n} arrived${shown}` });
      session.send({ type: "history", title: "Missed private messages", messages: missed.messages });
      online.pmSeen = Math.max(online.pmSeen, missed.messages.at(-1)!.id);
      online.lastPrivateFrom = missed.messages.at(-1)!.from;
      await this.store.markSeen(user.id, online.pmSeen);
    } else if (first) {
      await this.store.markSeen(user.id, online.pmSeen);
    }
    await this.join(session, LOBBY);
  }

  async join(session: Session, name: string) {
    const user = session.user!;
    const roomName = validateRoomName(name);
    const state = await this.roomState(roomName, user.id);
    if (session.room?.id === state.room.id) throw new CommandError(`You are already in ${state.room.name}`);
    this.leaveRoom(session);
    session.hold();
    const announce = !this.userInRoom(user, state);
    state.members.add(session);
    session.room = state.room;
    try {
      if (announce) this.toRoom(state, this.presence(user, "joined", state.room.name));
      const history = await this.store.roomHistory(state.room.id, this.settings.limits.historyDefault);
      const replay = history.length ? { type: "history" as const, title: `Recent messages in ${state.room.name}`, messages: history } : null;
      session.release(replay, history.at(-1)?.id ?? 0);
    } catch (e) {
      session.release(null, 0);
      throw e;
    }
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
    const rooms = new Set<Room>();
    for (const s of this.online.get(foldKey(user.nick))!.sessions) if (s.room) rooms.add(s.room);
    for (const room of rooms) {
      const state = this.rooms.get(foldKey(room.name));
      if (state) this.toRoom(state, this.presence(user, "status", room.name));
    }
  }

  /** Ends a session: leaves its room, and when it was the account's last, records the logout. */
  disconnect(session: Session, reason?: string) {
    if (!session.end()) return;
    this.sessions.delete(session);
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

  /** Rooms with how many distinct users are in each right now. */
  async roomList(): Promise<{ room: Room; users: number }[]> {
    const rooms = await this.store.listRooms();
    return rooms.map((room) => {
      const state = this.rooms.get(foldKey(room.name));
      const users = state ? new Set([...state.members].map((s) => s.user!.id)).size : 0;
      return { room, users };
    });
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

  private deliver(message: ChatMessage) {
    this.messageRate.add();
    const event: ChatEvent = { type: "message", message };
    if (message.room) {
      const state = this.rooms.get(foldKey(message.room));
      if (state) for (const s of state.members) s.send(event);
      return;
    }
    const recipient = this.online.get(foldKey(message.to!));
    if (recipient) {
      recipient.pmSeen = Math.max(recipient.pmSeen, message.id);
      recipient.lastPrivateFrom = message.from;
      for (const s of recipient.sessions) s.send(event);
    }
    const sender = this.online.get(foldKey(message.from));
    if (sender) for (const s of sender.sessions) s.send(event);
  }

  private async roomState(name: string, userId: number): Promise<RoomState> {
    const key = foldKey(name);
    let state = this.rooms.get(key);
    if (!state) {
      const room = await this.store.ensureRoom(name, userId);
      // Another session may have created the state while we waited.
      state = this.rooms.get(key) ?? { room, members: new Set() };
      this.rooms.set(key, state);
    }
    return state;
  }

  private leaveRoom(session: Session, reason?: string) {
    const room = session.room;
    if (!room) return;
    session.room = null;
    const state = this.rooms.get(foldKey(room.name));
    if (!state) return;
    state.members.delete(session);
    const user = session.user!;
    if (!this.userInRoom(user, state)) {
      const event = this.presence(user, "left", room.name);
      if (reason) event.reason = reason;
      this.toRoom(state, event);
    }
    if (state.members.size === 0) this.rooms.delete(foldKey(room.name));
  }

  private userInRoom(user: User, state: RoomState) {
    for (const s of state.members) if (s.user!.id === user.id) return true;
    return false;
  }

  private presence(user: User, change: PresenceEvent["change"], room: string): PresenceEvent {
    const online = this.online.has(foldKey(user.nick));
    return { type: "presence", change, nick: user.nick, online, status: user.status, note: user.statusNote, room };
  }

  private toRoom(state: RoomState, event: ChatEvent) {
    for (const s of state.members) s.send(event);
  }
}

export function checkPassword(password: string): string {
  if ([...password].length < PASSWORD_MIN) throw new CommandError(`Password must be at least ${PASSWORD_MIN} characters long`);
  if (exceedsBytes(password, PASSWORD_MAX_BYTES)) throw new CommandError(`Password is too long (${PASSWORD_MAX_BYTES} bytes at most)`);
  return password;
}
