import { CommandError, SessionClosedError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import { SessionInbox } from "./inbox.ts";
import type { ChatMessage, Room, User } from "./types.ts";

/**
 * A transport's own fan-out (Bun's WebSocket pub/sub): the connection joins and leaves named
 * topics, and the transport's publisher (RoomTable.publishVia) writes to every subscriber at once.
 */
export interface TopicMembership {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** What a transport gives the hub for one connection. */
export interface SessionSink {
  readonly transport: "tcp" | "ws";
  readonly remote: string;
  send(event: ChatEvent): void;
  /**
   * Ends the connection after what was already sent has been written. A `reason` means the server
   * put the user out (kick, ban, failed logins): a client should not reconnect by itself.
   */
  close(reason?: string): void;
  /** The answer to a secret prompt has been taken (a terminal turns its echo back on). */
  secretAnswered?(): void;
  /** Set when the transport can carry a room's messages to this connection on a shared topic. */
  readonly topics?: TopicMembership;
}

/** What the hub decides for every session: its limits, and what to do when one is passed. */
export interface SessionOptions {
  watchesPresence: boolean;
  maxQueued: number;
  onFlood: () => void;
  promptTimeoutMs: number;
  loginTimeoutMs: number;
  onLoginTimeout: () => void;
}

let nextId = 1;

/** One connection: who is on it, where they are, and what it has typed that has not run yet. */
export class Session {
  readonly id = nextId++;
  readonly connectedAt = new Date();
  user: User | null = null;
  room: Room | null = null;
  closed = false;
  /** Wrong passwords on this connection, whichever login asked for them. */
  failedLogins = 0;
  private held: ChatEvent[] | null = null;
  private readonly inbox: SessionInbox;
  private readonly promptTimeoutMs: number;
  private readonly loginTimer: ReturnType<typeof setTimeout>;
  readonly watchesPresence: boolean;

  constructor(
    readonly sink: SessionSink,
    { watchesPresence, maxQueued, onFlood, promptTimeoutMs, loginTimeoutMs, onLoginTimeout }: SessionOptions,
  ) {
    this.promptTimeoutMs = promptTimeoutMs;
    this.watchesPresence = watchesPresence;
    this.inbox = new SessionInbox(maxQueued, onFlood);
    this.loginTimer = setTimeout(() => {
      if (!this.user && !this.closed) onLoginTimeout();
    }, loginTimeoutMs);
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
  typed(line: string): Promise<void> {
    return this.closed ? Promise.resolve() : this.inbox.line(line);
  }

  /** Runs a task in turn with what the user typed, so everything takes effect in the order sent. */
  serially(task: () => Promise<void>): Promise<void> {
    return this.closed ? Promise.resolve() : this.inbox.task(task);
  }

  /** From now on, typed lines that no prompt takes run as commands. */
  startCommands(run: (line: string) => Promise<void>) {
    this.inbox.startCommands(run);
  }

  /** Shows a prompt and resolves with the next line the user types, even one typed ahead. */
  async ask(text: string, secret = false): Promise<string> {
    this.send({ type: "prompt", text, secret });
    try {
      return await this.inbox.ask(this.promptTimeoutMs, () => new CommandError("No answer in time; nothing changed", "prompt_timeout"));
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
