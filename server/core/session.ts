import { SessionClosedError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { ChatMessage, Room, User } from "./types.ts";

/** What a transport gives the hub for one connection. */
export interface SessionSink {
  readonly transport: "tcp" | "ws";
  readonly remote: string;
  send(event: ChatEvent): void;
  /** Ends the connection after what was already sent has been written. */
  close(): void;
}

let nextId = 1;

/** One connection: who is on it, where they are, and the question it is waiting to have answered. */
export class Session {
  readonly id = nextId++;
  readonly connectedAt = new Date();
  user: User | null = null;
  room: Room | null = null;
  closed = false;
  private pending: { resolve(line: string): void; reject(e: Error): void } | null = null;
  private held: ChatEvent[] | null = null;
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly sink: SessionSink) {}

  send(event: ChatEvent) {
    if (this.closed) return;
    if (this.held) this.held.push(event);
    else this.sink.send(event);
  }

  /** Runs tasks one after another, so a user's lines take effect in the order typed. */
  serially(task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(task);
    return this.tail;
  }

  /** Holds live events back while a replay is fetched, so the replay shows first. */
  hold() {
    this.held ??= [];
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

  /** Shows a prompt and resolves with the next line the user sends. */
  ask(text: string, secret = false): Promise<string> {
    this.pending?.reject(new SessionClosedError());
    this.send({ type: "prompt", text, secret });
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  /** Hands a line to a waiting prompt; returns false when nothing was waiting. */
  answer(line: string): boolean {
    const pending = this.pending;
    if (!pending) return false;
    this.pending = null;
    pending.resolve(line);
    return true;
  }

  get awaitingAnswer() {
    return this.pending !== null;
  }

  /** Marks the session gone and wakes any prompt waiting on it. Idempotent. */
  end() {
    if (this.closed) return false;
    this.closed = true;
    this.pending?.reject(new SessionClosedError());
    this.pending = null;
    return true;
  }
}
