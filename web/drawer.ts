// On a phone the sidebar is a drawer over the conversation, opened from the top bar.

import { byId } from "./dom.ts";

const app = byId("app");
const toggle = byId<HTMLButtonElement>("sidebar-toggle");

export function setSidebar(open: boolean) {
  app.classList.toggle("app--sidebar-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  byId("scrim").hidden = !open;
}

export function closeSidebar() {
  setSidebar(false);
}

toggle.addEventListener("click", () => setSidebar(!app.classList.contains("app--sidebar-open")));
byId("scrim").addEventListener("click", closeSidebar);
byId("sidebar-close").addEventListener("click", () => {
  closeSidebar();
  toggle.focus();
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") closeSidebar();
});
