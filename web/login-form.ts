// The login form: signing in, or creating an account with the password twice, and the server's
// name and message of the day as a terminal sees them before logging in.

import { byId } from "./dom.ts";

export interface Credentials {
  nick: string;
  password: string;
  /** Present when creating an account: the password typed again. */
  confirm?: string;
}

const nickField = byId<HTMLInputElement>("login-nick");
const passwordField = byId<HTMLInputElement>("login-password");
const errorLine = byId("login-error");
const submitButton = byId<HTMLButtonElement>("login-submit");
const createBox = byId<HTMLInputElement>("login-create");
const repeatField = byId<HTMLInputElement>("login-repeat");

// Creating an account is a choice the user makes, with the password twice: a mistyped nick creates nothing.
createBox.addEventListener("change", () => {
  byId("login-repeat-field").hidden = !createBox.checked;
  submitButton.textContent = createBox.checked ? "Create account" : "Sign in";
  passwordField.autocomplete = createBox.checked ? "new-password" : "current-password";
});

/** Calls `submit` with what was typed, once it is complete; says what is missing otherwise. */
export function onLogin(submit: (c: Credentials) => void) {
  byId<HTMLFormElement>("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const nick = nickField.value.trim();
    const password = passwordField.value;
    if (!nick || !password) return showLoginError(!nick ? "Enter a nickname." : "Enter a password.");
    const creating = createBox.checked;
    if (creating && repeatField.value !== password) return showLoginError("The passwords do not match.");
    errorLine.hidden = true;
    submitButton.disabled = true;
    submit(creating ? { nick, password, confirm: repeatField.value } : { nick, password });
  });
}

/** Signed in: no password stays in the page, and the next sign-in here is to an account that exists. */
export function loginDone() {
  passwordField.value = "";
  repeatField.value = "";
  createBox.checked = false;
  createBox.dispatchEvent(new Event("change"));
  submitButton.disabled = false;
}

/** Back at the form, with why (or with no message). */
export function showLogin(message = "") {
  submitButton.disabled = false;
  if (message) showLoginError(message);
  else errorLine.hidden = true;
  nickField.focus();
}

export function showLoginError(message: string) {
  errorLine.textContent = message;
  errorLine.hidden = false;
  submitButton.disabled = false;
}

/** The server's name and message of the day from `/info`; `named` hears the name. */
export function loadInfo(named: (serverName: string) => void) {
  fetch("/info")
    .then((r) => (r.ok ? r.json() : null))
    .then((info: { serverName?: unknown; motd?: unknown } | null) => {
      if (typeof info?.serverName === "string") {
        byId("login-server").textContent = info.serverName;
        named(info.serverName);
      }
      if (Array.isArray(info?.motd) && info.motd.length) {
        const motd = byId("login-motd");
        motd.textContent = info.motd.join("\n");
        motd.hidden = false;
      }
    })
    .catch(() => {});
}
