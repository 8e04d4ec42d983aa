import type { ForeignMessage, StoredBatch } from "../core/cluster-link.ts";
import type { MessageKind, NewMessage } from "../core/types.ts";

// The wake-up a clustered store sends every node with each batch (the NOTIFY in CLUSTER_INSERT):
// who stored it, its first and last id, its time and, when they fit, its messages. Carrying them
// spares each node a query per batch, the largest part of the cross-node latency measured for
// issue 16. NOTIFY payloads are capped at 8,000 bytes: a batch too big to carry goes without its
// messages, and each node reads it from the database as before.

/** Bytes a batch's messages may take in the wake-up, beside the node's name and the ids (about 100 bytes). */
export const WAKE_MESSAGES_BYTES = 7_600;

/** One message as it travels: its kind, sender, text, room or recipient (id and name), and who it names. */
interface Carried {
  k: MessageKind;
  s: number;
  f: string;
  x: string;
  r?: number;
  rn?: string;
  t?: number;
  tn?: string;
  n?: string[];
}

/** The batch's messages as JSON for the wake-up, or null when they would not fit beside `node`. */
export function carriedMessages(node: string, batch: NewMessage[]): string | null {
  const carried = batch.map((m): Carried => {
    const c: Carried = { k: m.kind, s: m.senderId, f: m.from, x: m.text };
    if (m.roomId !== undefined) Object.assign(c, { r: m.roomId, rn: m.room });
    if (m.recipientId !== undefined) Object.assign(c, { t: m.recipientId, tn: m.to });
    if (m.mentions?.length) c.n = m.mentions.map((u) => u.nick);
    return c;
  });
  const json = JSON.stringify(carried);
  return Buffer.byteLength(json) + Buffer.byteLength(node) > WAKE_MESSAGES_BYTES ? null : json;
}

/**
 * A wake-up's batch, or null when the payload is not one (read instead). A node from before the
 * messages travelled (a rolling upgrade) sends "<node> <first> <last>": a batch without its
 * messages, which is read at once, where an unknown payload waits for the safety poll.
 */
export function storedBatch(payload: string): StoredBatch | null {
  const old = /^(.*) (\d+) (\d+)$/s.exec(payload);
  if (old && !payload.startsWith("{")) {
    const [first, last] = [Number(old[2]), Number(old[3])];
    return Number.isSafeInteger(first) && Number.isSafeInteger(last) ? { from: old[1]!, first, last } : null;
  }
  let wake: { from: string; first: number; last: number; at: string; m: Carried[] | null };
  try {
    wake = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof wake?.from !== "string" || !Number.isSafeInteger(wake.first) || !Number.isSafeInteger(wake.last)) return null;
  const batch: StoredBatch = { from: wake.from, first: wake.first, last: wake.last };
  // Ids are drawn one after another under the batch lock; if they were not, the batch is read instead.
  if (Array.isArray(wake.m) && wake.m.length === wake.last - wake.first + 1) {
    const at = new Date(wake.at);
    batch.messages = wake.m.map((c, i) => foreign(c, wake.first + i, at));
  }
  return batch;
}

function foreign(c: Carried, id: number, at: Date): ForeignMessage {
  const message: ForeignMessage["message"] = { id, kind: c.k, from: c.f, text: c.x, at };
  const sent: NewMessage = { kind: c.k, senderId: c.s, from: c.f, text: c.x };
  if (c.r !== undefined) {
    message.room = c.rn;
    Object.assign(sent, { roomId: c.r, room: c.rn });
  }
  if (c.t !== undefined) {
    message.to = c.tn;
    Object.assign(sent, { recipientId: c.t, to: c.tn });
  }
  if (c.n?.length) {
    message.mentions = c.n;
    // Delivery needs only who is named, by nick.
    sent.mentions = c.n.map((nick) => ({ id: 0, nick }));
  }
  return { message, sent };
}
