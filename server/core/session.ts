import { fail, SessionClosedError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import { SessionInbox } from "./inbox.ts";
import type { Notice } from "./notices.ts";
import type { ChatMessage, InputContext, Lang, RoomRef, User } from "./types.ts";

/**
 * A transport's own fan-out (Bun's WebSocket pub/sub): the connection joins and leaves named
 * topics, and the transport's publisher (RoomTable.publishVia) writes to every subscriber at once.
 */
export interface TopicMembership {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** What a transport gives the core for one connection. */
export interface SessionSink {
  readonly transport: "tcp" | "ws";
  readonly remote: string;
  send(event: ChatEvent): void;
  /**
   * Ends the connection after what was already sent has been written. A `reason` means the server
   * put the user out (kick, ban, failed logins): a client should not reconnect by itself.
   */
  close(reason?: Notice): void;
  /** The answer to a secret prompt has been taken (a terminal turns its echo back on). */
  secretAnswered?(): void;
  /** Set when the transport can carry a room's messages to this connection on a shared topic. */
  readonly topics?: TopicMembership;
}

/** What the core decides for every session: how it shows the chat, its limits, and what to do when one is passed. */
export interface SessionOptions {
  /**
   * An app (the web client) shows all of the user's rooms at once and keeps a live list of
   * everyone online; a terminal shows its current room, and only a notice when named elsewhere.
   */
  seesAllRooms: boolean;
  /** The language the client asked for, used until the account says otherwise. */
  lang: Lang;
  maxQueued: number;
  onFlood: () => void;
  promptTimeoutMs: number;
  loginTimeoutMs: number;
  onLoginTimeout: () => void;
}

let nextId = 1;

/** One connection: who is on it, where it is, and what it has typed that has not run yet. */
export class Session {
  readonly id = nextId++;
  readonly connectedAt = new Date();
  user: User | null = null;
  /** The current room: where plain text goes, and what a terminal shows. */
  room: RoomRef | null = null;
  lang: Lang;
  closed = false;
  /** Turned away as it opened (too many connections from its address): it is about to be closed. */
  refused = false;
  /** Wrong passwords on this connection, whichever login asked for them. */
  failedLogins = 0;
  readonly seesAllRooms: boolean;
  private held: ChatEvent[] | null = null;
  private readonly inbox: SessionInbox;
  private readonly promptTimeoutMs: number;
  private readonly loginTimer: ReturnType<typeof setTimeout>;

  constructor(readonly sink: SessionSink, options: SessionOptions) {
    this.seesAllRooms = options.seesAllRooms;
    this.lang = options.lang;
    this.promptTimeoutMs = options.promptTimeoutMs;
    this.inbox = new SessionInbox(options.maxQueued, options.onFlood);
    this.loginTimer = setTimeout(() => {
      if (!this.user && !this.closed) options.onLoginTimeout();
    }, options.loginTimeoutMs);
  }

  /** In the chat: the login deadline no longer applies. */
  loggedIn() {
    clearTimeout(this.loginTimer);
  }

  send(event: ChatEvent) {
    if (this.closed) return;
    if (this.held) this.held.push(event);
    else this.sink.send(event);
  }

  /** A line the user typed: it answers a prompt, or runs as a command in its turn. Resolves when done. */
  typed(line: string, context?: InputContext, notBefore?: number): Promise<void> {
    return this.closed ? Promise.resolve() : this.inbox.line(line, context, notBefore);
  }

  /** Runs a task in turn with what the user typed, so everything takes effect in the order sent. */
  serially(task: () => Promise<void>, notBefore?: number): Promise<void> {
    return this.closed ? Promise.resolve() : this.inbox.task(task, notBefore);
  }

  /** From now on, typed lines that no prompt takes run as commands. */
  startCommands(run: (line: string, context?: InputContext) => Promise<void>) {
    this.inbox.startCommands(run);
  }

  /** Shows a prompt and resolves with the next line the user types, even one typed ahead. */
  async ask(prompt: Notice, secret = false): Promise<string> {
    this.send({ type: "prompt", notice: prompt, secret });
    try {
      return await this.inbox.ask(this.promptTimeoutMs, () => fail("prompt_timeout"));
    } finally {
      // Answered, or the session went: a terminal that stopped echoing may echo again.
      if (secret) this.sink.secretAnswered?.();
    }
  }

  /** Resolves when what the session is running now has finished. */
  idle(): Promise<void> {
    return this.inbox.idle();
  }

  /** Holds live events back while a replay is fetched, so the replay shows first. */
  hold() {
    this.held ??= [];
  }

  /** Whether live events are being held back; a held session must not hear a room on a topic. */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Sends `first`, then what was held, leaving out the messages the replay already showed. */
  release(first: ChatEvent[], alreadyShown: (m: ChatMessage) => boolean) {
    const held = this.held ?? [];
    this.held = null;
    for (const e of first) this.send(e);
    for (const e of held) {
      if (e.type === "message" && alreadyShown(e.message)) continue;
      this.send(e);
    }
  }

  /** Marks the session gone and wakes any prompt waiting on it. Idempotent. */
  end() {
    if (this.closed) return false;
    this.closed = true;
    clearTimeout(this.loginTimer);
    this.inbox.close(new SessionClosedError());
    return true;
  }
}
