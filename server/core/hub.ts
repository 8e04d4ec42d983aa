import { AccountAdmin } from "./account-admin.ts";
import { Accounts, type PasswordHasher } from "./accounts.ts";
import { frameContext } from "./args.ts";
import { Background } from "./background.ts";
import { Cluster, type ClusterLink } from "./cluster.ts";
import { Completion } from "./completion.ts";
import type { CommandContext } from "./context.ts";
import { Delivery } from "./delivery.ts";
import { Directory } from "./directory.ts";
import { Search } from "./search.ts";
import { Entry, type ResumeTokens } from "./entry.ts";
import { StoreHealth } from "./health.ts";
import { FloodControl } from "./flood.ts";
import { CommandError, fail } from "./errors.ts";
import { CLIENT_IDS_KEPT_MS, PRUNE_MS, type Limits } from "./limits.ts";
import { silentLog, type Log } from "./log.ts";
import { LoginGuard } from "./login-guard.ts";
import { TerminalLogin } from "./login.ts";
import { Memberships } from "./memberships.ts";
import { MentionResolver } from "./mentions.ts";
import { Messaging } from "./messaging.ts";
import { Moderation } from "./moderation.ts";
import type { ServerInfo } from "./motd.ts";
import { notice, type Notice } from "./notices.ts";
import { textBytes } from "./text.ts";
import { Operator } from "./operator.ts";
import { Presence } from "./presence.ts";
import { RateCounter } from "./rate.ts";
import { Reads } from "./reads.ts";
import { RoomAdmin } from "./room-admin.ts";
import { helpEntry, type Invocation, type Registry } from "./registry.ts";
import { LOBBY, RoomTable, type Publisher } from "./rooms.ts";
import type { Session, SessionSink } from "./session.ts";
import { Sessions, type ConnectOptions } from "./sessions.ts";
import { Stats } from "./stats.ts";
import { DanglingReferenceError, StoreUnavailableError, type Store } from "./store.ts";
import type { InputContext, NewMessage } from "./types.ts";
import { MessageWriter } from "./writer.ts";

export interface HubDeps {
  store: Store;
  passwords: PasswordHasher;
  /** The server's name and MOTD; reload and `chat admin motd` change this object. */
  info: ServerInfo;
  /** Kept by reference: `chat admin reload` changes it in place. */
  limits: Limits;
  commands: Registry;
  /** For app sessions that come back after a dropped connection; null: none can. */
  tokens?: ResumeTokens | null;
  /** Nicks nobody may register besides the built-in ones and the server's name (config reservedNicks). */
  reservedNicks?: string[];
  log?: Log;
  /** This node's name (config `node.name`). */
  node?: string;
  /** The other nodes sharing the database, when this node is one of a cluster. */
  cluster?: ClusterLink | null;
}

/**
 * What a transport does with the core: open sessions, hand over what their users type or send,
 * and close them. Transports get this, never the hub's parts.
 */
export interface Gateway {
  readonly log: Log;
  connect(sink: SessionSink, options?: ConnectOptions): Session;
  /** Runs the line-by-line login of a terminal. */
  promptLogin(session: Session): Promise<void>;
  /** A line a terminal user typed: the answer to a prompt, or a command or text in its turn. */
  input(session: Session, line: string): Promise<void>;
  /** A frame from an app: `{ type, …fields }`, decoded from JSON but not yet checked. */
  frame(session: Session, fields: Record<string, unknown>): Promise<void>;
  /** Words a terminal's Tab may complete `word` to: commands (`command`), the user's rooms, or nicks online. */
  complete(session: Session, word: string, command: boolean): string[];
  /** Tells the user their input was refused (a line too long for the transport, say). */
  refuse(session: Session, why: Notice): void;
  disconnect(session: Session, reason?: string): void;
  drop(session: Session, why?: Notice): void;
  /** A transport that can write one event to many connections at once (Bun's WebSocket pub/sub). */
  publishRoomsVia(transport: SessionSink["transport"], publish: Publisher): void;
}

/**
 * The composition root of the core: it builds each part with the few others it uses and wires
 * them. Nothing is handed the hub; transports see it as a Gateway, the operator's tools as an Operator.
 */
export class Hub implements Gateway {
  readonly log: Log;
  readonly operator: Operator;
  /** What this node does with the others' messages and events; null alone. Started by serve.ts. */
  readonly cluster: Cluster | null = null;
  private readonly presence = new Presence();
  private readonly rooms = new RoomTable();
  private readonly stats = new Stats();
  private readonly sessions: Sessions;
  private readonly writer: MessageWriter;
  private readonly context: Omit<CommandContext, "session" | "user" | "target" | "cid" | "send">;
  private readonly commands: Registry;
  private readonly login: TerminalLogin;
  private readonly health: StoreHealth;
  private readonly pruning: ReturnType<typeof setInterval>;
  private readonly flood: FloodControl;
  private readonly completion: Completion;

  constructor({ store: database, passwords, info, limits, commands, tokens = null, reservedNicks = [], log = silentLog, node = "chat", cluster: link = null }: HubDeps) {
    this.log = log;
    this.commands = commands;
    // Every part gets the guarded store: refused at once while the database is away.
    this.health = new StoreHealth(database, (healthy) => this.sessions.tellLoggedIn(notice(healthy ? "sending_resumed" : "sending_paused")), log);
    const store = this.health.guard(database);
    const background = new Background(log);
    const reads = new Reads(store, this.presence, background, link);
    const delivery = new Delivery(this.rooms, this.presence, reads, this.stats);
    const messageRate = new RateCounter(60);
    const mentions = new MentionResolver((keys) => store.findUsers(keys));
    this.writer = new MessageWriter(
      (batch) => this.store(store, mentions, messageRate, batch),
      // On a cluster node, with the other nodes' messages heard while the batch was stored.
      (stored, sent) => (this.cluster ? this.cluster.deliverOwn(stored, sent) : delivery.deliver(stored, sent)),
      (e) => log.error("delivery failed", { error: String(e) }),
      (e) => e instanceof DanglingReferenceError,
    );
    const memberships = new Memberships(store, this.rooms, this.presence, reads, limits, log, link);
    this.sessions = new Sessions(this.presence, memberships, store, this.writer, background, limits, log);
    const moderation = new Moderation(store, this.presence, this.sessions, log, link);
    const guard = new LoginGuard(limits);
    // Replaced by reload: nicks are checked against the list in force at each registration.
    const reserved = { nicks: [...reservedNicks] };
    const accounts = new Accounts(store, passwords, this.presence, this.rooms, moderation, this.sessions, limits, guard,
      () => [...reserved.nicks, info.serverName], log);
    this.flood = new FloodControl(limits, this.sessions);
    const directory = new Directory(store, this.presence, limits);
    const entry = new Entry(store, this.presence, memberships, this.rooms, reads, directory, moderation, info, limits, tokens,
      (session, line, context) => this.sessions.attempt(session, () => this.runLine(session, line, context)), log);
    const messaging = new Messaging(this.writer, store, this.presence, limits, this.health, (session, e, cid) => {
      log.error("message not stored", { nick: session.user?.nick, error: String(e) });
      this.sessions.report(session, fail(e instanceof StoreUnavailableError ? "not_sent_store_down" : "not_stored"), cid);
    });
    this.login = new TerminalLogin(accounts, entry, moderation, this.sessions, info,
      (session, line) => this.sessions.attempt(session, () => this.runLine(session, line)));
    this.completion = new Completion(this.presence, commands);
    const roomAdmin = new RoomAdmin(store, this.presence, memberships, this.writer, limits, link);
    this.operator = new Operator(store, this.health, this.presence, this.sessions, moderation, info, limits, this.stats, messageRate,
      new AccountAdmin(store, passwords, this.presence, this.sessions), roomAdmin, reserved, { node, link });
    if (link) this.cluster = new Cluster(link, this.presence, this.rooms, delivery, moderation, memberships, reads, info, log);
    this.context = {
      messaging, memberships, reads, directory, search: new Search(store), accounts, entry, sessions: this.sessions, server: info, limits,
      help: { all: () => commands.help(), find: (name) => { const c = commands.find(name); return c && !c.hidden ? helpEntry(c) : undefined; } },
    };
    this.health.start();
    // Client message ids are for resends, which come within minutes: old ones are forgotten. Rooms
    // nobody has belonged to for limits.emptyRoomDays go too (the lobby never).
    this.pruning = setInterval(() => {
      if (!this.health.healthy) return;
      background.run("forgetClientIds", () => store.forgetClientIds(new Date(Date.now() - CLIENT_IDS_KEPT_MS)));
      background.run("pruneRooms", async () => {
        const pruned = await roomAdmin.pruneEmpty();
        if (pruned.length > 0) log.info("empty rooms deleted", { rooms: pruned });
      });
    }, PRUNE_MS);
    (this.pruning as { unref?: () => void }).unref?.();
  }

  connect(sink: SessionSink, options?: ConnectOptions): Session {
    return this.sessions.connect(sink, options);
  }

  promptLogin(session: Session): Promise<void> {
    return this.login.run(session);
  }

  input(session: Session, line: string): Promise<void> {
    const at = this.flood.admit(session, textBytes(line));
    return at === null ? Promise.resolve() : session.typed(line, undefined, at);
  }

  frame(session: Session, fields: Record<string, unknown>): Promise<void> {
    const { type } = fields;
    if (typeof type !== "string") return this.badFrame(session, type === undefined ? "frame has no type" : "type: expected a string");
    if (type === "line") {
      const { text } = fields;
      if (typeof text !== "string") return this.badFrame(session, "text: expected a string");
      let context: InputContext | undefined;
      try {
        context = frameContext(fields);
      } catch (e) {
        this.sessions.report(session, e);
        return Promise.resolve();
      }
      // Once logged in, a line may answer a prompt, so it goes where a terminal's lines go.
      if (session.user) {
        const at = this.flood.admit(session, textBytes(text));
        return at === null ? Promise.resolve() : session.typed(text, context, at);
      }
      return session.serially(() => this.sessions.attempt(session, () => this.runLine(session, text, context)));
    }
    // A read marker is what the client does as the user scrolls: no flood of the user's making.
    const at = type === "read" ? 0 : this.flood.admit(session, typeof fields.text === "string" ? textBytes(fields.text) : 0);
    if (at === null) return Promise.resolve();
    // Frames take effect in the order sent: a "say" right after "login" waits for the login.
    return session.serially(() => this.sessions.attempt(session, () =>
      this.run(session, this.commands.fromFrame(type, fields), frameContext(fields))), at);
  }

  complete(session: Session, word: string, command: boolean): string[] {
    return this.completion.complete(session, word, command);
  }

  refuse(session: Session, why: Notice) {
    this.sessions.report(session, new CommandError(why));
  }

  disconnect(session: Session, reason?: string) {
    this.sessions.disconnect(session, reason);
  }

  drop(session: Session, why?: Notice) {
    this.sessions.drop(session, why && new CommandError(why));
  }

  publishRoomsVia(transport: SessionSink["transport"], publish: Publisher) {
    this.rooms.publishVia(transport, publish);
  }

  /** Tells everyone why, stores every accepted message, and closes every session. */
  async shutdown(restarting = false): Promise<void> {
    this.health.stop();
    clearInterval(this.pruning);
    await this.sessions.shutdown(notice(restarting ? "server_restarting" : "server_stopping"));
  }

  private runLine(session: Session, line: string, context?: InputContext): Promise<void> {
    if (line.trim() === "") return Promise.resolve();
    return this.run(session, this.commands.parse(line), context);
  }

  private async run(session: Session, call: Invocation, context?: InputContext) {
    const user = session.user;
    if (!user && !call.command.beforeLogin) throw fail("not_logged_in");
    const target = context?.target ?? { room: session.room?.name ?? LOBBY };
    if (user && call.command.spanish?.includes(call.as)) this.offerSpanish(session);
    // The shared parts by prototype, the session's own on top: one small object per command run.
    const ctx: CommandContext = Object.create(this.context);
    ctx.session = session;
    ctx.user = user!;
    ctx.target = target;
    ctx.cid = context?.cid;
    ctx.send = (e) => session.send(e);
    if (context?.cid === undefined) {
      await call.command.run(ctx, call.args as never);
      return;
    }
    try {
      await call.command.run(ctx, call.args as never);
    } catch (e) {
      // Reported here with the frame's cid, so the client's outbox knows which message failed.
      this.sessions.report(session, e, context.cid);
    }
  }

  /** Someone typed a Spanish command name: the first time, they are offered Spanish messages. */
  private offerSpanish(session: Session) {
    const user = session.user!;
    if (user.settings.lang || user.settings.langOffered || session.lang === "es") return;
    session.send({ type: "notice", notice: notice("lang_offer") });
    const settings = { ...user.settings, langOffered: true };
    this.context.accounts.saveSettings(user, settings).catch((e) => this.log.error("settings not saved", { error: String(e) }));
  }

  private badFrame(session: Session, detail: string): Promise<void> {
    this.refuse(session, notice("bad_frame", { detail }));
    return Promise.resolve();
  }

  /** Stores a batch (with who each message names), counting it for /metrics and the admin status. */
  private async store(store: Store, mentions: MentionResolver, rate: RateCounter, batch: NewMessage[]) {
    const started = performance.now();
    try {
      await mentions.resolve(batch);
      const stored = await (this.cluster ? this.cluster.store(store.insertMessages(batch)) : store.insertMessages(batch));
      this.stats.messagesStored += stored.length;
      rate.add(stored.length);
      return stored;
    } catch (e) {
      this.stats.storeErrors++;
      throw e;
    } finally {
      this.stats.storeBatches++;
      this.stats.storeSeconds += (performance.now() - started) / 1000;
    }
  }
}
