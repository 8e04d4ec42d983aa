// Signing out, in this tab and in the others: the Sign out buttons, and the storage event by
// which one tab hears that another signed out, or signed in while it waited at the login form.

import type { ClientFrame } from "../server/ws/protocol.ts";
import { byId } from "./dom.ts";
import { loadSession, SESSION_KEY } from "./saved.ts";

export interface SignOutHost {
  /** This page's resume token; empty when signed out. */
  token(): string;
  /** Whether the connection is open, so the server can be told. */
  isOpen(): boolean;
  send(frame: ClientFrame): boolean;
  /** Lets the connection close without reconnecting. */
  release(): void;
  /** Ends the session on this page and shows the login form. */
  signOut(): void;
  /** At the login form, with no login under way: a sign-in in another tab may take this one in. */
  waitingToLogIn(): boolean;
}

export function wireSignOut(host: SignOutHost) {
  /**
   * "Sign out": the server ends this page's resume token and the one kept for the other tabs (each
   * tab may hold its own: a resume brings a new one), then the session; other tabs hear of it
   * through the storage event and end theirs.
   */
  function userSignOut() {
    const token = host.token();
    const stored = loadSession()?.token;
    if (token && host.isOpen()) {
      for (const t of new Set([token, ...(stored ? [stored] : [])])) host.send({ type: "signout", token: t });
      host.send({ type: "quit" });
      host.release();
    }
    host.signOut();
  }
  byId("logout").addEventListener("click", userSignOut);
  byId("logout-side").addEventListener("click", userSignOut);

  // Signing out in one tab signs out the others; signing in in one lets a tab still at the login form in.
  window.addEventListener("storage", (e) => {
    if (e.key !== SESSION_KEY && e.key !== null) return;
    const saved = loadSession();
    if (!saved && host.token()) userSignOut();
    else if (saved && !host.token() && host.waitingToLogIn()) location.reload();
  });
}
