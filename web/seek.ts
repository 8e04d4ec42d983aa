// Opening a conversation at one message (a search result): older pages are loaded until it is
// there, then it is shown with what was said before it.

import type { Conversation } from "./conversation.ts";
import type { Paging } from "./paging.ts";

export class Seek {
  private target: { key: string; id: number } | null = null;

  constructor(private readonly paging: Paging) {}

  /** Look for message `id` in `conv` from now on (the conversation is being shown). */
  start(conv: Conversation, id: number) {
    this.target = { key: conv.key, id };
  }

  /** `conv` has more messages, or was shown: is the message there yet, or is another page needed? */
  step(conv: Conversation, activeKey: string) {
    const s = this.target;
    if (!s || s.key !== conv.key || conv.key !== activeKey) return;
    if (conv.has(s.id)) {
      this.target = null;
      conv.reveal(s.id);
      // Some context above it, too, when it is the oldest shown.
      if (conv.oldestId === s.id) this.paging.older(conv);
    } else if (conv.loaded && !conv.loadingLatest && !conv.reachedStart && conv.oldestId !== undefined) {
      if (conv.oldestId < s.id) this.target = null; // Not in this conversation any more.
      else this.paging.older(conv);
    } else if (conv.reachedStart) {
      this.target = null;
    }
  }
}
