// Attention while the user is elsewhere: a desktop notification (with their permission) for a
// message that names them or a private message, while the page is hidden or not focused.

import type { ChatMessage } from "../server/ws/protocol.ts";
import { byId } from "./dom.ts";

const supported = typeof Notification !== "undefined";

function away(): boolean {
  return document.visibilityState !== "visible" || !document.hasFocus();
}

/** The "Turn on notifications" button shows until the user has answered the browser's question. */
export function offerNotifications() {
  const button = byId<HTMLButtonElement>("notify-enable");
  const update = () => {
    button.hidden = !supported || Notification.permission !== "default";
  };
  button.addEventListener("click", () => {
    void Notification.requestPermission().then(update, update);
  });
  update();
}

/** Tells the user about `m` (in `to`: "#room" or a nick) if they are not looking; a click shows it. */
export function notify(m: ChatMessage, to: string, show: () => void) {
  if (!supported || Notification.permission !== "granted" || !away()) return;
  const title = to.startsWith("#") ? `${m.from} in ${to}` : `${m.from} (private)`;
  const body = m.kind === "emote" ? `* ${m.from} ${m.text}` : m.text;
  try {
    // One per conversation: a newer one replaces the last instead of piling up.
    const n = new Notification(title, { body: body.length > 200 ? `${body.slice(0, 199)}…` : body, tag: `chat:${to}` });
    n.onclick = () => {
      window.focus();
      show();
      n.close();
    };
  } catch {
    // Some browsers only notify from a service worker: the title's count still tells.
  }
}
