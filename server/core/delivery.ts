import { CommandError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { Hub } from "./hub.ts";
import type { Session } from "./session.ts";
import type { Store } from "./store.ts";
import { cleanText, exceedsBytes } from "./text.ts";
import type { ChatMessage } from "./types.ts";

// The message pipeline behind the hub's writer: check the text, store the batch, send to who should see it.

/** A message's text as it will be stored; throws when there is nothing to send or too much. */
export function messageText(text: string, maxLineBytes: number): string {
  const body = cleanText(text).trimEnd();
  if (body.trim() === "") throw new CommandError("Nothing to send");
  if (exceedsBytes(body, maxLineBytes)) {
    throw new CommandError(`Message is too long (${maxLineBytes} bytes at most)`, "too_long");
  }
  return body;
}

/** Stores a batch of messages, counting it in the hub's stats. */
export async function timedInsert(hub: Hub, batch: Parameters<Store["insertMessages"]>[0]) {
  const started = performance.now();
  try {
    const stored = await hub.store.insertMessages(batch);
    hub.stats.messagesStored += stored.length;
    hub.messageRate.add(stored.length);
    return stored;
  } catch (e) {
    hub.stats.storeErrors++;
    throw e;
  } finally {
    hub.stats.storeBatches++;
    hub.stats.storeSeconds += (performance.now() - started) / 1000;
  }
}

/** Sends a stored message to its room's members, or to every session of a private message's two ends. */
export function deliver(hub: Hub, message: ChatMessage) {
  const event: ChatEvent = { type: "message", message };
  if (message.room) {
    // Once per transport that fans out, not once per member: see RoomTable.broadcast.
    const state = hub.rooms.get(message.room);
    if (state) hub.stats.deliveries += hub.rooms.broadcast(state, event);
    return;
  }
  const recipient = hub.onlineUser(message.to!);
  if (recipient) {
    recipient.pmSeen = Math.max(recipient.pmSeen, message.id);
    recipient.lastPrivateFrom = message.from;
    sendAll(hub, recipient.sessions, event);
  }
  const sender = hub.onlineUser(message.from);
  if (sender) sendAll(hub, sender.sessions, event);
}

function sendAll(hub: Hub, sessions: Iterable<Session>, event: ChatEvent) {
  let n = 0;
  for (const s of sessions) {
    s.send(event);
    n++;
  }
  hub.stats.deliveries += n;
}
