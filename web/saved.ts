// What keeps a user signed in across reloads, tabs and browser restarts, in localStorage: the
// resume token (until they sign out, or it expires), never the password.

export interface SavedSession {
  token: string;
  nick: string;
  /** The room last shown, for the resume to come back to. */
  room: string;
  /** Nicks of the private conversations in the sidebar. */
  pms: string[];
  /** The conversation shown: "#room" or a nick. */
  active?: string;
}

export const SESSION_KEY = "chat.session";

export function loadSession(storage: Storage = localStorage): SavedSession | null {
  try {
    const raw = storage.getItem(SESSION_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<SavedSession>;
    if (typeof v.token !== "string" || !v.token || typeof v.nick !== "string") return null;
    return {
      token: v.token,
      nick: v.nick,
      room: typeof v.room === "string" ? v.room : "#lobby",
      pms: Array.isArray(v.pms) ? v.pms.filter((p): p is string => typeof p === "string") : [],
      active: typeof v.active === "string" ? v.active : undefined,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: SavedSession, storage: Storage = localStorage) {
  try {
    storage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Storage full or disabled: a reload will ask to sign in again.
  }
}

export function clearSession(storage: Storage = localStorage) {
  try {
    storage.removeItem(SESSION_KEY);
  } catch {
    // Nothing to clear.
  }
}
