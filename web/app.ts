// Entry point: the login form, the composer, the connection and what a reload restores.

import { Chat } from "./chat.ts";
import { Connection, socketUrl } from "./connection.ts";
import { byId, el } from "./dom.ts";
import { CLOSE_POLICY, type ClientFrame, type ServerFrame, type Status } from "./protocol.ts";
import { clearSession, loadSession, saveSession, type SavedSession } from "./saved.ts";

type Phase = "login" | "resuming" | "chat";

const loginScreen = byId("login");
const appScreen = byId("app");
const loginForm = byId<HTMLFormElement>("login-form");
const loginNick = byId<HTMLInputElement>("login-nick");
const loginPassword = byId<HTMLInputElement>("login-password");
const loginError = byId("login-error");
const loginSubmit = byId<HTMLButtonElement>("login-submit");
const banner = byId("banner");
const composer = byId<HTMLFormElement>("composer");
const input = byId<HTMLInputElement>("composer-input");
const statusSelect = byId<HTMLSelectElement>("status-select");
const statusNote = byId<HTMLInputElement>("status-note");

let phase: Phase = "login";
let token = "";
let pendingLogin: { nick: string; password: string } | null = null;
/** A reload's saved tabs, reopened once the session is back. */
let restore: SavedSession | null = loadSession();
let prompt: { text: string; secret: boolean } | null = null;
let quitting = false;
let chat = newChat();

const conn = new Connection(socketUrl(), {
  open(reconnect) {
    if (token) {
      phase = "resuming";
      const since = reconnect && chat.maxSeen > 0 ? chat.maxSeen : undefined;
      conn.send({ type: "resume", token, ...(since !== undefined ? { since } : {}), room: chat.room });
    } else if (pendingLogin) {
      conn.send({ type: "login", ...pendingLogin });
    }
  },
  frame: onFrame,
  close(code, reason, retryIn) {
    if (code === CLOSE_POLICY || quitting) {
      signOut(reason || (quitting ? "You left the chat." : "Disconnected by the server."));
    } else if (phase === "login") {
      if (pendingLogin) showLoginError(reason || "Could not reach the server. Try again.");
    } else if (retryIn !== null) {
      showBanner(`Connection lost. Reconnecting in ${Math.max(1, Math.round(retryIn / 1000))}s…`, true);
    }
  },
});

function newChat() {
  byId("logs").replaceChildren();
  return new Chat({ send, changed: persist, picked: closeSidebar });
}

function send(frame: ClientFrame): boolean {
  return conn.send(frame);
}

function onFrame(f: ServerFrame) {
  switch (f.type) {
    case "token":
      // The password changed: the old resume token no longer works.
      token = f.token;
      persist();
      break;
    case "welcome": {
      phase = "chat";
      token = f.token;
      pendingLogin = null;
      loginPassword.value = "";
      conn.setKeepAlive(true);
      conn.resetBackoff();
      hideBanner();
      byId("server-name").textContent = f.serverName;
      chat.welcome(f);
      showApp();
      if (restore) reopenTabs(restore);
      persist();
      break;
    }
    case "room":
      chat.setRoom(f.room);
      break;
    case "message":
      chat.message(f);
      break;
    case "presence":
      chat.presence(f);
      break;
    case "history":
      chat.history(f);
      break;
    case "system":
      chat.note(f.text);
      break;
    case "error":
      if (phase === "login") showLoginError(f.message);
      else if (phase === "resuming") signOut(`Your session has ended: ${f.message}. Please sign in again.`);
      else chat.note(f.message, "error");
      break;
    case "prompt":
      setPrompt({ text: f.text, secret: f.secret });
      break;
  }
}

function reopenTabs(saved: SavedSession) {
  restore = null;
  for (const nick of saved.pms) chat.openPm(nick);
  const active = saved.active;
  chat.activate(active && active.startsWith("pm:") && chat.openPms.some((n) => `pm:${n.toLowerCase()}` === active) ? active : `room:${chat.room.toLowerCase()}`);
}

function persist() {
  if (!token) return;
  saveSession({ token, nick: chat.nick, room: chat.room, pms: chat.openPms, active: chat.activeKey || undefined });
}

function signOut(message = "") {
  conn.close();
  clearSession();
  token = "";
  phase = "login";
  pendingLogin = null;
  quitting = false;
  restore = null;
  setPrompt(null);
  hideBanner();
  chat = newChat();
  appScreen.hidden = true;
  loginScreen.hidden = false;
  loginSubmit.disabled = false;
  if (message) showLoginError(message);
  else loginError.hidden = true;
  document.title = "chat";
  loginNick.focus();
}

function showApp() {
  loginScreen.hidden = true;
  appScreen.hidden = false;
  loginSubmit.disabled = false;
  if (!matchMedia("(max-width: 760px)").matches) input.focus();
}

function showLoginError(message: string) {
  loginError.textContent = message;
  loginError.hidden = false;
  loginSubmit.disabled = false;
}

function showBanner(text: string, retry: boolean) {
  const children: (Node | string)[] = [el("span", { class: "banner__spinner", "aria-hidden": "true" }), text];
  if (retry) {
    const b = el("button", { class: "button button--small", type: "button", "data-testid": "retry-now" }, "Retry now");
    b.addEventListener("click", () => conn.retryNow());
    children.push(b);
  }
  banner.replaceChildren(...children);
  banner.hidden = false;
}

function hideBanner() {
  banner.hidden = true;
  banner.replaceChildren();
}

function setPrompt(p: typeof prompt) {
  prompt = p;
  const label = byId("composer-label");
  input.type = p?.secret ? "password" : "text";
  composer.classList.toggle("composer--prompt", !!p);
  label.classList.toggle("visually-hidden", !p);
  if (p) {
    label.textContent = p.text.trim();
    input.placeholder = p.secret ? "Hidden answer" : "Answer";
    input.focus();
  } else if (chat.active) {
    chat.activate(chat.activeKey);
  }
}

loginForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const nick = loginNick.value.trim();
  const password = loginPassword.value;
  if (!nick || !password) return showLoginError(!nick ? "Enter a nickname." : "Enter a password.");
  loginError.hidden = true;
  loginSubmit.disabled = true;
  pendingLogin = { nick, password };
  if (conn.isOpen) conn.send({ type: "login", nick, password });
  else conn.open();
});

composer.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = input.value;
  if (prompt) {
    if (send({ type: "line", text })) {
      input.value = "";
      setPrompt(null);
    }
    return;
  }
  if (!text.trim()) return;
  const conv = chat.active;
  let frame: ClientFrame;
  if (text.startsWith("/")) {
    quitting = /^\/(quit|salir|desconectar)(\s|$)/i.test(text);
    frame = { type: "line", text };
  } else if (conv?.kind === "pm") frame = { type: "msg", to: conv.name, text };
  else frame = { type: "say", text };
  if (send(frame)) input.value = "";
  else {
    quitting = false;
    chat.note("Not connected: the message was not sent.", "error");
  }
});

statusSelect.addEventListener("change", () => {
  send({ type: "status", status: statusSelect.value as Status, note: statusNote.value.trim() });
});

byId<HTMLFormElement>("note-form").addEventListener("submit", (e) => {
  e.preventDefault();
  send({ type: "status", status: statusSelect.value as Status, note: statusNote.value.trim() });
  statusNote.blur();
});

byId<HTMLFormElement>("new-room-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const field = byId<HTMLInputElement>("new-room");
  const name = field.value.trim();
  if (!name) return;
  if (send({ type: "join", room: name.startsWith("#") ? name : `#${name}` })) field.value = "";
  closeSidebar();
});

byId("leave-room").addEventListener("click", () => send({ type: "leave" }));
byId("logout").addEventListener("click", () => signOut());

const toggle = byId<HTMLButtonElement>("sidebar-toggle");
toggle.addEventListener("click", () => setSidebar(!appScreen.classList.contains("app--sidebar-open")));
byId("scrim").addEventListener("click", closeSidebar);
byId("sidebar-close").addEventListener("click", () => {
  closeSidebar();
  toggle.focus();
});
document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") closeSidebar();
});

function setSidebar(open: boolean) {
  appScreen.classList.toggle("app--sidebar-open", open);
  toggle.setAttribute("aria-expanded", String(open));
  byId("scrim").hidden = !open;
}

function closeSidebar() {
  setSidebar(false);
}

// A reload with a live session resumes it (no `since`: the server sends the room's recent history).
if (restore) {
  token = restore.token;
  phase = "resuming";
  chat.nick = restore.nick;
  chat.room = restore.room;
  appScreen.hidden = false;
  loginScreen.hidden = true;
  showBanner("Connecting…", false);
  conn.setKeepAlive(true);
  conn.open();
} else {
  loginNick.focus();
}

// The server's name and message of the day, as a terminal sees them before logging in.
fetch("/info")
  .then((r) => (r.ok ? r.json() : null))
  .then((info: { serverName?: unknown; motd?: unknown } | null) => {
    if (typeof info?.serverName === "string") byId("login-server").textContent = info.serverName;
    if (Array.isArray(info?.motd) && info.motd.length) {
      const motd = byId("login-motd");
      motd.textContent = info.motd.join("\n");
      motd.hidden = false;
    }
  })
  .catch(() => {});
