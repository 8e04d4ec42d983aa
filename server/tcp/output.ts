import type { Socket } from "bun";

/** What TcpOutput needs of a socket; Bun's TCP socket is one. */
export type OutputSocket = Pick<Socket<unknown>, "write" | "end" | "terminate">;

/**
 * Everything written to one socket in a tick goes out in one write. Bun may take only part
 * of a write; the rest waits for drain, so no line is ever cut short. A client that falls too
 * far behind is dropped rather than allowed to grow the server's memory, and one that does not
 * take what is left within `graceMs` of end() is cut rather than kept open forever.
 *
 * Writes take bytes, not text: a room message goes to every terminal as the same bytes, encoded
 * once (see textBytes), so a socket with one chunk this tick writes it without a copy.
 */
export class TcpOutput {
  /** Outputs with something queued this tick: one microtask flushes them all, not one per socket. */
  private static dirty: TcpOutput[] = [];
  private queue: Uint8Array[] = [];
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

  write(data: Uint8Array) {
    // Events a terminal shows nothing for (the web's bookkeeping) render to no bytes.
    if (this.done || this.ending || data.length === 0) return;
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
      if (TcpOutput.dirty.push(this) === 1) queueMicrotask(TcpOutput.flushAll);
    }
  }

  private static flushAll() {
    const due = TcpOutput.dirty;
    // Writes made while flushing (an overflow announcing a leave, say) go in the next round.
    TcpOutput.dirty = [];
    for (const out of due) out.flush();
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

/** The chunks joined last and their bytes: a room's members queue the same chunks in a tick. */
let lastJoin: { chunks: Uint8Array[]; bytes: Uint8Array } = { chunks: [], bytes: new Uint8Array(0) };

/** One buffer for a tick's chunks, shared by every socket that queued the very same chunks. */
function join(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  if (sameChunks(chunks, lastJoin.chunks)) return lastJoin.bytes;
  let size = 0;
  for (const c of chunks) size += c.length;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  lastJoin = { chunks, bytes };
  return bytes;
}

// Comparing references is far cheaper than copying the bytes they hold; chunks are never changed.
function sameChunks(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
