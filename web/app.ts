// Entry point: the login form, the composer, the connection and what a reload restores.

import { CLOSE_POLICY, type ClientFrame, type Lang, type ServerFrame, type Status } from "../server/ws/protocol.ts";
import { Chat } from "./chat.ts";
import { Connection, socketUrl } from "./connection.ts";
import { helpBlock, profileBlock, roomsBlock, settingsBlock, usersBlock } from "./data.ts";
import { byId, el } from "./dom.ts";
import { closeSidebar } from "./drawer.ts";
import { makesMessage, Outbox } from "./outbox.ts";
import { clearSession, loadSession, saveSession } from "./saved.ts";

type Phase = "login" | "resuming" | "chat";

const loginScreen = byId("login");
const appScreen = byId("app");
const loginNick = byId<HTMLInputElement>("login-nick");
const loginPassword = byId<HTMLInputElement>("login-password");
const loginError = byId("login-error");
const loginSubmit = byId<HTMLButtonElement>("login-submit");
const loginCreate = byId<HTMLInputElement>("login-create");
const loginRepeat = byId<HTMLInputElement>("login-repeat");
// Creating an account is a choice the user makes, with the password twice: a mistyped nick creates nothing.
loginCreate.addEventListener("change", () => {
  byId("login-repeat-field").hidden = !loginCreate.checked;
  loginSubmit.textContent = loginCreate.checked ? "Create account" : "Sign in";
  loginPassword.autocomplete = loginCreate.checked ? "new-password" : "current-password";
});
const banner = byId("banner");
const composer = byId<HTMLFormElement>("composer");
const input = byId<HTMLInputElement>("composer-input");
const statusSelect = byId<HTMLSelectElement>("status-select");
const statusNote = byId<HTMLInputElement>("status-note");

/** The browser's language, for the server's notices until the account chooses one. */
const lang: Lang = /^es\b/i.test(navigator.language ?? "") ? "es" : "en";

let phase: Phase = "login";
let token = "";
let pendingLogin: { nick: string; password: string; confirm?: string } | null = null;
/** The resume on its way asked for what was missed since a message id: it comes before the room. */
let resumedSince = false;
let prompt: { text: string; secret: boolean } | null = null;
/** Room lists asked for by the page itself (to keep "Other rooms" fresh), not to be drawn in the log. */
let quietRooms = 0;
let chat = newChat();
/** Typed messages until the server confirms them: resent with the same id after a drop or an outage. */
const outbox = new Outbox(byId("outbox"), send);

const conn = new Connection(socketUrl(), {
  open(reconnect) {
    if (token) {
      phase = "resuming";
      // After a reload the page has seen nothing: the server sends a fresh view, as at login.
      const since = reconnect && chat.maxSeen > 0 ? chat.maxSeen : undefined;
      resumedSince = since !== undefined;
      conn.send({ type: "resume", token, ...(since !== undefined ? { since } : {}), room: chat.lastRoom, lang });
    } else if (pendingLogin) {
      conn.send({ type: "login", ...pendingLogin, lang });
    }
  },
  frame: onFrame,
  close(code, reason, retryIn) {
    if (code === CLOSE_POLICY) {
      signOut(reason || "Disconnected by the server.");
    } else if (phase === "login") {
      if (pendingLogin) showLoginError(reason || "Could not reach the server. Try again.");
    } else if (retryIn !== null) {
      outbox.pause();
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
    case "welcome":
      phase = "chat";
      token = f.token ?? token;
      pendingLogin = null;
      loginPassword.value = "";
      // Signed in: the next sign-in on this page is to an account that exists.
      loginRepeat.value = "";
      loginCreate.checked = false;
      loginCreate.dispatchEvent(new Event("change"));
      conn.setKeepAlive(true);
      conn.resetBackoff();
      hideBanner();
      byId("server-name").textContent = f.serverName;
      chat.welcome(f, resumedSince);
      resumedSince = false;
      showApp();
      persist();
      // Logged in again: what waited in the outbox goes now (a copy already stored is not stored twice).
      outbox.resume();
      return;
    case "token":
      // The password changed: the old resume token no longer works.
      token = f.token;
      return persist();
    case "room":
      return chat.room(f.room);
    case "message":
      if (f.cid !== undefined && f.from === chat.nick) outbox.confirmed(f.cid);
      return chat.message(f);
    case "mention":
      return chat.message(f.message);
    case "history":
      return chat.history(f);
    case "presence":
      return chat.presence(f);
    case "membership":
      return chat.membership(f.room, f.joined, f.state);
    case "unread":
      return chat.unread(f.conversations);
    case "users":
      chat.people.replace(f.users);
      chat.block(usersBlock(f.users));
      return chat.render();
    case "rooms":
      if (quietRooms > 0) quietRooms--;
      else chat.block(roomsBlock(f.rooms));
      return chat.roomList(f.rooms);
    case "profile":
      return chat.block(profileBlock(f));
    case "help":
      return chat.block(helpBlock(f));
    case "settings":
      return chat.block(settingsBlock(f.settings, f.lang));
    case "notice":
      // The user typed /quit: signed out, no error to show.
      if (f.key === "goodbye") return signOut();
      if (f.key === "sending_paused") outbox.pause();
      if (f.key === "sending_resumed") outbox.resume();
      if (phase === "chat") chat.note(f.text, "notice", f.key);
      return;
    case "error":
      if (f.cid !== undefined) outbox.refused(f.cid, f.key);
      if (phase === "login") showLoginError(f.message);
      else if (phase === "resuming") signOut(`Your session has ended: ${f.message}`);
      else chat.note(f.message, "error", f.key);
      return;
    case "prompt":
      return setPrompt({ text: f.text, secret: f.secret });
  }
}

function persist() {
  if (!token) return;
  saveSession({ token, nick: chat.nick, room: chat.lastRoom, pms: chat.privates.map((c) => c.name), active: chat.active?.name });
}

function signOut(message = "") {
  conn.close();
  clearSession();
  outbox.clear();
  token = "";
  phase = "login";
  pendingLogin = null;
  resumedSince = false;
  quietRooms = 0;
  setPrompt(null);
  hideBanner();
  closeSidebar();
  chat.dispose();
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

byId<HTMLFormElement>("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const nick = loginNick.value.trim();
  const password = loginPassword.value;
  if (!nick || !password) return showLoginError(!nick ? "Enter a nickname." : "Enter a password.");
  const creating = loginCreate.checked;
  if (creating && loginRepeat.value !== password) return showLoginError("The passwords do not match.");
  loginError.hidden = true;
  loginSubmit.disabled = true;
  pendingLogin = creating ? { nick, password, confirm: loginRepeat.value } : { nick, password };
  if (conn.isOpen) conn.send({ type: "login", ...pendingLogin, lang });
  else conn.open();
});

// What is typed goes as it is: the server reads it as a terminal line (/commands, !nick, /me…),
// in the conversation shown.
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
  const to = chat.active?.name;
  // A message waits in the outbox when it cannot go now; a command needs the connection.
  if (phase !== "login" && makesMessage(text)) {
    outbox.add(text, to);
    input.value = "";
  } else if (send({ type: "line", text, ...(to !== undefined ? { to } : {}) })) input.value = "";
  else chat.note("Not connected: the command was not sent.", "error");
});

const sendStatus = () => send({ type: "status", status: statusSelect.value as Status, note: statusNote.value.trim() });
statusSelect.addEventListener("change", sendStatus);
byId<HTMLFormElement>("note-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sendStatus();
  statusNote.blur();
});

byId<HTMLFormElement>("new-room-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const field = byId<HTMLInputElement>("new-room");
  const name = field.value.trim();
  if (!name) return;
  const room = name.startsWith("#") ? name : `#${name}`;
  if (chat.isMember(room)) chat.open(room);
  else if (!send({ type: "join", room })) return;
  field.value = "";
  closeSidebar();
});

// Rooms made since the welcome show up among the others when the user looks for one.
function refreshRooms() {
  if (phase === "chat" && send({ type: "rooms" })) quietRooms++;
}
byId("new-room").addEventListener("focus", refreshRooms);
byId("sidebar-toggle").addEventListener("click", () => {
  if (appScreen.classList.contains("app--sidebar-open")) refreshRooms();
});

byId("leave-room").addEventListener("click", () => {
  const active = chat.active;
  if (active?.isRoom) send({ type: "leave", room: active.name });
});
byId("logout").addEventListener("click", () => signOut());

// Whether the user can see the conversation decides whether it is read.
document.addEventListener("visibilitychange", () => chat.checkRead());
window.addEventListener("focus", () => chat.checkRead());

// A reload with a live session resumes it, coming back to the conversations it showed.
const restore = loadSession();
if (restore) {
  token = restore.token;
  phase = "resuming";
  chat.nick = restore.nick;
  chat.lastRoom = restore.room;
  chat.restore(restore.pms, restore.active);
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
