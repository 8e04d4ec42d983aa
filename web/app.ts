// Entry point: the login form, the composer, the connection and what a reload restores.

import { CLOSE_POLICY, type ClientFrame, type Lang, type ServerFrame } from "../server/ws/protocol.ts";
import { hideBanner, showBanner } from "./banner.ts";
import { Chat } from "./chat.ts";
import { Composer } from "./composer.ts";
import { Connection, socketUrl } from "./connection.ts";
import { wireControls } from "./controls.ts";
import { helpBlock, profileBlock, roomsBlock, settingsBlock, usersBlock } from "./data.ts";
import { byId } from "./dom.ts";
import { closeSidebar } from "./drawer.ts";
import { type Credentials, loadInfo, loginDone, onLogin, showLogin, showLoginError } from "./login-form.ts";
import { notify, offerNotifications } from "./notify.ts";
import { makesMessage, Outbox } from "./outbox.ts";
import { clearSession, loadSession, saveSession } from "./saved.ts";
import { SearchView } from "./search.ts";
import { wireSignOut } from "./sign-out.ts";

type Phase = "login" | "resuming" | "chat";

const loginScreen = byId("login");
const appScreen = byId("app");

/** The browser's language, for the server's notices until the account chooses one. */
const lang: Lang = /^es\b/i.test(navigator.language ?? "") ? "es" : "en";

let phase: Phase = "login";
let token = "";
let pendingLogin: Credentials | null = null;
/** The resume on its way asked for what was missed since a message id: it comes before the room. */
let resumedSince = false;
let prompt: { text: string; secret: boolean } | null = null;
/** Room lists asked for by the page itself (to keep "Other rooms" fresh), not to be drawn in the log. */
let quietRooms = 0;
/** The same for the command list, which Tab completes from. */
let quietHelp = 0;
let commandNames: string[] = [];
let serverName = "chat";
let chat = newChat();
/** Typed messages until the server confirms them: resent with the same id after a drop or an outage. */
const outbox = new Outbox(byId("outbox"), send);
const composer = new Composer({
  send: sendLine,
  completions: (kind) => (kind === "command" ? commandNames : kind === "room" ? chat.roomNames() : chat.nicks()),
});
const search = new SearchView({
  send: (query) => send({ type: "search", query }),
  me: () => chat.nick,
  open: (to, id) => chat.openAt(to, id),
});
offerNotifications();

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
      showBanner(`Connection lost. Reconnecting in ${Math.max(1, Math.round(retryIn / 1000))}s…`, () => conn.retryNow());
    }
  },
});

function newChat() {
  byId("logs").replaceChildren();
  return new Chat({
    send,
    changed: persist,
    picked: closeSidebar,
    shown: () => {
      // After picking or joining a conversation, the next thing is usually to type in it.
      if (phase === "chat" && !isPhone() && !search.isOpen && !(document.activeElement instanceof HTMLInputElement)) composer.focus();
    },
    attention: (m, to) => notify(m, to, () => chat.open(to)),
  });
}

function isPhone(): boolean {
  return matchMedia("(max-width: 760px)").matches;
}

/**
 * Where a line typed in the box goes: to the server, in the conversation shown. The one place a
 * line is sent (an outbox for lines typed while disconnected belongs here).
 */
function sendLine(text: string): boolean {
  if (prompt) {
    if (!send({ type: "line", text })) return false;
    setPrompt(null);
    return true;
  }
  const to = chat.active?.name;
  // A message waits in the outbox when it cannot go now (resent with its id); a command needs the connection.
  if (phase !== "login" && makesMessage(text)) {
    outbox.add(text, to);
    return true;
  }
  if (send({ type: "line", text, ...(to !== undefined ? { to } : {}) })) return true;
  chat.note("Not connected: the command was not sent. It is still in the box.", "error");
  return false;
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
      loginDone();
      conn.setKeepAlive(true);
      conn.resetBackoff();
      hideBanner();
      serverName = f.serverName;
      byId("server-name").textContent = f.serverName;
      if (f.maxLineBytes) composer.maxBytes = f.maxLineBytes;
      chat.welcome(f, resumedSince);
      if (send({ type: "help" })) quietHelp++;
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
      commandNames = f.commands.flatMap((c) => [c.name, ...c.aliases]).map((n) => `/${n}`);
      if (quietHelp > 0) return void quietHelp--;
      return chat.block(helpBlock(f));
    case "search":
      return search.show(f);
    case "settings":
      return chat.block(settingsBlock(f.settings, f.lang));
    case "notice":
      // The user typed /quit: signed out, no error to show.
      if (f.key === "goodbye") return signOut();
      if (f.key === "sending_paused") outbox.pause();
      if (f.key === "sending_resumed") outbox.resume();
      if (phase === "chat") chat.notice(f.key, f.params, f.text);
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
  quietHelp = 0;
  search.close();
  setPrompt(null);
  hideBanner();
  closeSidebar();
  chat.dispose();
  chat = newChat();
  appScreen.hidden = true;
  loginScreen.hidden = false;
  document.title = serverName;
  showLogin(message);
}

function showApp() {
  loginScreen.hidden = true;
  appScreen.hidden = false;
  if (!isPhone()) composer.focus();
}

function setPrompt(p: typeof prompt) {
  prompt = p;
  composer.prompt(p);
  if (!p && chat.active) chat.activate(chat.activeKey);
}

onLogin((credentials) => {
  pendingLogin = credentials;
  if (conn.isOpen) conn.send({ type: "login", ...pendingLogin, lang });
  else conn.open();
});

// What is typed goes as it is: the server reads it as a terminal line (/commands, !nick, /me…),
// in the conversation shown.
byId<HTMLFormElement>("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  composer.submit();
});

wireControls({
  send,
  isMember: (room) => chat.isMember(room),
  open: (room) => chat.open(room),
  activeRoom: () => (chat.active?.isRoom ? chat.active.name : undefined),
  refreshRooms: () => {
    if (phase === "chat" && send({ type: "rooms" })) quietRooms++;
  },
});
wireSignOut({
  token: () => token,
  isOpen: () => conn.isOpen,
  send,
  release: () => conn.release(),
  signOut: () => signOut(),
  waitingToLogIn: () => phase === "login" && !pendingLogin,
});

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
  showBanner("Connecting…", null);
  conn.setKeepAlive(true);
  conn.open();
} else {
  showLogin();
}

// The server's name and message of the day, as a terminal sees them before logging in.
loadInfo((name) => {
  serverName = name;
  if (phase !== "chat") document.title = name;
});
