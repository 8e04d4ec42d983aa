// Tells the server how far the user has read a conversation: at most once per THROTTLE_MS per
// conversation, and only past the marker it already has.

import type { ClientFrame } from "../server/ws/protocol.ts";
import type { Conversation } from "./conversation.ts";
import { where } from "./frames.ts";

export const THROTTLE_MS = 500;

export class ReadMarkers {
  private readonly lastSent = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** `again` is asked, when a throttled send is due, to look once more at what is being read. */
  constructor(private readonly send: (frame: ClientFrame) => boolean, private readonly again: () => void) {}

  /** The user sees the end of `conv`: its newest message is read. */
  seen(conv: Conversation) {
    const id = conv.newestId;
    if (id <= conv.readId) return;
    const wait = (this.lastSent.get(conv.key) ?? -Infinity) + THROTTLE_MS - performance.now();
    if (wait > 0) {
      if (!this.timers.has(conv.key)) {
        this.timers.set(conv.key, setTimeout(() => {
          this.timers.delete(conv.key);
          this.again();
        }, wait));
      }
      return;
    }
    if (!this.send({ type: "read", ...where(conv.name), id })) return;
    this.lastSent.set(conv.key, performance.now());
    // Taken as read now; the server's `unread` answer brings the counts.
    conv.readId = id;
  }

  clear() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.lastSent.clear();
  }
}
