import type { ChatMessage, NewMessage } from "./types.ts";

interface Queued {
  message: NewMessage;
  resolve(m: ChatMessage): void;
  reject(e: unknown): void;
}

/**
 * Group commit: messages that arrive while a batch is being stored wait and go together in
 * the next one. Batches are stored and delivered one at a time, so every message is stored
 * before it is delivered and ids rise in delivery order.
 */
export class MessageWriter {
  private queue: Queued[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly insert: (batch: NewMessage[]) => Promise<ChatMessage[]>,
    private readonly deliver: (stored: ChatMessage, sent: NewMessage) => void,
    private readonly onDeliveryError: (e: unknown) => void = () => {},
    /**
     * Whether a refused batch may hold messages the store would take on their own (one named a room
     * deleted a moment before): then each is stored, or refused, alone.
     */
    private readonly retryAlone: (e: unknown) => boolean = () => false,
  ) {}

  /** Resolves once the message is stored and delivered; rejects when the store refused it. */
  submit(message: NewMessage): Promise<ChatMessage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves when everything submitted so far is stored and delivered. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  get pending() {
    return this.queue.length;
  }

  private async flush() {
    try {
      // Let the whole event-loop turn's messages join the batch, not just this microtask's: each
      // socket read runs its own microtasks, and an in-process store never yields to the loop, so
      // waiting less made a batch, and a write to every member's socket, of each message.
      await new Promise((resolve) => setImmediate(resolve));
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        await this.write(batch);
      }
    } finally {
      this.flushing = null;
    }
  }

  private async write(batch: Queued[]) {
    let stored: ChatMessage[];
    try {
      stored = await this.insert(batch.map((b) => b.message));
    } catch (e) {
      if (batch.length > 1 && this.retryAlone(e)) {
        // In order, so ids still rise in delivery order.
        for (const b of batch) await this.write([b]);
        return;
      }
      for (const b of batch) b.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      // Stored is stored: one failing delivery must not hold back the others or the next batch.
      try {
        this.deliver(stored[i]!, batch[i]!.message);
      } catch (e) {
        this.onDeliveryError(e);
      }
      batch[i]!.resolve(stored[i]!);
    }
  }
}
