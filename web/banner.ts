// The line over the conversation while the connection is down ("Reconnecting in 3s…"), with a
// button to try at once.

import { byId, el } from "./dom.ts";

const banner = byId("banner");

export function showBanner(text: string, retry: (() => void) | null) {
  const children: (Node | string)[] = [el("span", { class: "banner__spinner", "aria-hidden": "true" }), text];
  if (retry) {
    const b = el("button", { class: "button button--small", type: "button", "data-testid": "retry-now" }, "Retry now");
    b.addEventListener("click", retry);
    children.push(b);
  }
  banner.replaceChildren(...children);
  banner.hidden = false;
}

export function hideBanner() {
  banner.hidden = true;
  banner.replaceChildren();
}
