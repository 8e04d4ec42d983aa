// Pages of history: the latest page when a conversation is first shown, then older ones as the
// user scrolls up (or while the log is too short to scroll), until the start.

import type { ClientFrame, HistoryFrame } from "../server/ws/protocol.ts";
import type { Conversation } from "./conversation.ts";
import { where } from "./frames.ts";

/** How many messages one page of history asks for. */
export const HISTORY_PAGE = 50;

export class Paging {
  constructor(private readonly send: (frame: ClientFrame) => boolean, private readonly isActive: (conv: Conversation) => boolean) {}

  /** The newest messages, the first time the conversation is shown. */
  latest(conv: Conversation) {
    if (!this.send({ type: "history", ...where(conv.name), limit: HISTORY_PAGE })) return;
    conv.loaded = true;
    conv.loadingLatest = true;
    conv.setTopState("loading");
  }

  /** The messages before the oldest one shown, one request at a time. */
  older(conv: Conversation) {
    if (conv.loadingOlder || conv.reachedStart || conv.oldestId === undefined || !this.isActive(conv)) return;
    if (!this.send({ type: "history", ...where(conv.name), before: conv.oldestId, limit: HISTORY_PAGE })) return;
    conv.loadingOlder = true;
    conv.setTopState("loading");
  }

  /** A history frame for `conv` has been added to it: was it the start? */
  received(conv: Conversation, h: HistoryFrame) {
    if (conv.loadingOlder) {
      conv.loadingOlder = false;
      conv.reachedStart = h.messages.length < HISTORY_PAGE;
    } else if (h.reason === "page" && conv.loadingLatest) {
      conv.loadingLatest = false;
      conv.reachedStart = h.messages.length < HISTORY_PAGE;
    } else if (h.reason === "recent" && h.messages.length === 0) {
      conv.reachedStart = true;
    }
    conv.setTopState(conv.reachedStart ? "start" : "idle");
    this.fill(conv);
  }

  /** Loads older messages while the log is too short to scroll. */
  fill(conv: Conversation) {
    if (!this.isActive(conv) || conv.reachedStart) return;
    requestAnimationFrame(() => {
      if (conv.element.scrollHeight <= conv.element.clientHeight) this.older(conv);
    });
  }
}
