import { fail } from "../errors.ts";
import { notice } from "../notices.ts";
import { command, usage } from "../registry.ts";
import { LANGS, TERMINAL_SETTINGS, type Lang, type UserSettings } from "../types.ts";

// The account and the session: help, settings, passwords, logging in and out.

export const help = command({
  name: "help",
  aliases: ["h", "?"],
  spanish: ["ayuda"],
  args: [{ name: "command", type: "word", optional: true }] as const,
  beforeLogin: true,
  run({ help: commands, send }, { command: name }) {
    if (name === undefined) return send({ type: "help", commands: commands.all(), detail: false });
    const entry = commands.find(name);
    if (!entry) throw fail("unknown_command", { command: name.replace(/^\//, "") });
    send({ type: "help", commands: [entry], detail: true });
  },
});

export const motd = command({
  name: "motd",
  args: [] as const,
  run({ server, send }) {
    send({ type: "notice", notice: notice("motd", { lines: server.motd }) });
  },
});

export const password = command({
  name: "password",
  aliases: ["passwd"],
  spanish: ["clave"],
  args: [{ name: "current", type: "secret", optional: true }, { name: "new", type: "secret", optional: true }] as const,
  async run({ session, user, accounts, entry, send }, args) {
    if ((args.current === undefined) !== (args.new === undefined)) throw fail("usage", { usage: usage(password) });
    const current = args.current ?? (await session.ask(notice("prompt_current_password"), true));
    if (!(await accounts.verify(current, user, session))) throw fail("wrong_password_unchanged");
    let next = args.new;
    if (next === undefined) {
      next = await session.ask(notice("prompt_new_password"), true);
      if ((await session.ask(notice("prompt_repeat_new_password"), true)) !== next) throw fail("passwords_differ_unchanged");
    }
    await accounts.changePassword(user, next, session);
    entry.renewTokens(user);
    send({ type: "notice", notice: notice("password_changed") });
  },
});

const ON_OFF = ["on", "off"] as const;

/** Settings a user may choose, with the values each takes. */
const SETTINGS: Record<string, readonly string[]> = {
  lang: LANGS,
  ...Object.fromEntries(TERMINAL_SETTINGS.map((name) => [name, ON_OFF])),
};

/** The settings with `name` set to `value` (both already checked). */
function chosen(settings: UserSettings, name: string, value: string): UserSettings {
  if (name === "lang") return { ...settings, lang: value as Lang };
  return { ...settings, [name]: value === "on" };
}

export const set = command({
  name: "set",
  spanish: ["ajustes"],
  args: [{ name: "name", type: "word", optional: true }, { name: "value", type: "word", optional: true }] as const,
  async run({ session, user, accounts, send }, { name, value }) {
    if (name === undefined) {
      send({ type: "settings", settings: user.settings, lang: session.lang });
      return;
    }
    const key = name.toLowerCase();
    const values = SETTINGS[key];
    if (!values) throw fail("unknown_setting", { name, names: Object.keys(SETTINGS).join(", ") });
    const picked = value?.toLowerCase();
    if (picked === undefined || !values.includes(picked)) throw fail("bad_setting_value", { name, values: values.join("|") });
    await accounts.saveSettings(user, chosen(user.settings, key, picked));
    if (key === "lang") accounts.applyLanguage(user);
    send({ type: "settings", settings: user.settings, lang: session.lang });
  },
});

export const quit = command({
  name: "quit",
  aliases: ["exit"],
  spanish: ["salir", "desconectar"],
  args: [{ name: "message", type: "text", optional: true }] as const,
  beforeLogin: true,
  run({ session, sessions }, { message }) {
    sessions.quit(session, message);
  },
});

export const login = command({
  name: "login",
  hidden: true,
  beforeLogin: true,
  // `confirm` (the password again) asks for a new account: without it, only an existing one logs in.
  args: [
    { name: "nick", type: "nick" },
    { name: "password", type: "secret" },
    { name: "lang", type: "word", optional: true },
    { name: "confirm", type: "secret", optional: true },
  ] as const,
  async run({ session, accounts, entry }, { nick, password, lang, confirm }) {
    if (session.user) throw fail("already_logged_in");
    if (lang && (LANGS as readonly string[]).includes(lang)) session.lang = lang as Lang;
    const user = await accounts.passwordLogin(session, nick, password, confirm);
    // The core has told the user, and put the session out after too many tries.
    if (!user || session.closed) return;
    await entry.enter(session, user);
    if (confirm === undefined) await accounts.reportFailedLogins(session, user);
  },
});

export const resume = command({
  name: "resume",
  hidden: true,
  beforeLogin: true,
  args: [
    { name: "token", type: "secret" },
    { name: "since", type: "id", optional: true },
    { name: "room", type: "room", optional: true },
    { name: "lang", type: "word", optional: true },
  ] as const,
  async run({ session, entry }, { token, since, room, lang }) {
    if (session.user) throw fail("already_logged_in");
    if (lang && (LANGS as readonly string[]).includes(lang)) session.lang = lang as Lang;
    await entry.resume(session, token, { since, room });
  },
});
