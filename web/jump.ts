// "Jump to latest": shown while the reader is scrolled up, with how many messages are below.

import type { Conversation } from "./conversation.ts";
import { byId } from "./dom.ts";

export class JumpButton {
  private readonly button = byId<HTMLButtonElement>("jump-latest");

  constructor(clicked: () => void) {
    this.button.onclick = clicked;
  }

  update(conv: Conversation | undefined) {
    const away = !!conv && !conv.atBottom();
    this.button.hidden = !away;
    if (!away) return;
    const below = conv.below;
    this.button.textContent = below > 0 ? `${below} new ${below === 1 ? "message" : "messages"} below ↓` : "Jump to latest ↓";
  }
}
