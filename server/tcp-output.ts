import type { Socket } from "bun";

const encoder = new TextEncoder();

/** What TcpOutput needs of a socket; Bun's TCP socket is one. */
export type OutputSocket = Pick<Socket<unknown>, "write" | "end" | "terminate">;

/**
 * Everything written to one socket in a tick goes out in one write. Bun may take only part
 * of a write; the rest waits for drain, so no line is ever cut short. A client that falls too
 * far behind is dropped rather than allowed to grow the server's memory, and one that does not
 * take what is left within `graceMs` of end() is cut rather than kept open forever.
 */
export class TcpOutput {
  private queue: (string | Uint8Array)[] = [];
  private queuedBytes = 0;
  private backlog: Uint8Array | null = null;
  private scheduled = false;
  private ending = false;
  private done = false;
  private grace: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: OutputSocket,
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
    private readonly graceMs: number,
  ) {}

  write(data: string | Uint8Array) {
    if (this.done || this.ending) return;
    this.queue.push(data);
    this.queuedBytes += data.length;
    if (this.queuedBytes + (this.backlog?.length ?? 0) > this.maxBytes) {
      this.done = true;
      this.onOverflow();
      this.socket.terminate();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Closes once everything queued has been written, or cuts the connection after the grace period. */
  end() {
    if (this.done || this.ending) return;
    this.ending = true;
    if (!this.scheduled) this.flush();
    if (this.done) return;
    this.grace = setTimeout(() => {
      this.grace = null;
      if (this.done) return;
      this.done = true;
      this.socket.terminate();
    }, this.graceMs);
  }

  drain() {
    if (this.backlog) {
      const n = this.socket.write(this.backlog);
      this.backlog = n < this.backlog.length ? this.backlog.subarray(Math.max(n, 0)) : null;
    }
    if (!this.backlog) this.flush();
  }

  closed() {
    this.done = true;
    this.stopGrace();
    this.queue = [];
    this.backlog = null;
  }

  private flush() {
    this.scheduled = false;
    if (this.done || this.backlog) return;
    if (this.queue.length > 0) {
      const bytes = join(this.queue);
      this.queue = [];
      this.queuedBytes = 0;
      const n = this.socket.write(bytes);
      if (n < bytes.length) {
        this.backlog = bytes.subarray(Math.max(n, 0));
        return;
      }
    }
    if (this.ending) {
      this.done = true;
      this.stopGrace();
      this.socket.end();
    }
  }

  private stopGrace() {
    if (this.grace) clearTimeout(this.grace);
    this.grace = null;
  }
}

function join(parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
