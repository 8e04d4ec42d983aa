import { describe, expect, test } from "bun:test";
import { createRegistry } from "./commands/index.ts";
import { CommandError } from "./errors.ts";
import { command, Registry } from "./registry.ts";

// One declaration per command: lines and frames are read from it, and usage errors come from it.

const registry = createRegistry();
const error = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CommandError) return { code: e.code, ...e.notice };
    throw e;
  }
  throw new Error("did not throw");
};

describe("a typed line", () => {
  test("plain text is said; //text is the text /text", () => {
    expect(registry.parse("hello there")).toMatchObject({ as: "say", args: { text: "hello there" } });
    expect(registry.parse("//etc/passwd is a file")).toMatchObject({ as: "say", args: { text: "/etc/passwd is a file" } });
  });

  test("!nick text is a private message; '!' alone, '! x' and '!!' are text", () => {
    expect(registry.parse("!ana see you")).toMatchObject({ as: "msg", args: { to: "ana", text: "see you" } });
    for (const t of ["!", "! x", "!!"]) expect(registry.parse(t)).toMatchObject({ as: "say", args: { text: t } });
  });

  test("/cmd args: names are case-insensitive, aliases and Spanish names find the command", () => {
    expect(registry.parse("/MSG  ana  hi there  ")).toMatchObject({ command: { name: "msg" }, args: { to: "ana", text: "hi there" } });
    expect(registry.parse("/privado ana hola")).toMatchObject({ command: { name: "msg" }, as: "privado" });
    const pairs = { listar: "list", estado: "status", perfil: "profile", salir: "quit", desconectar: "quit", ayuda: "help", unirse: "join" };
    for (const [alias, name] of Object.entries(pairs)) expect(registry.find(`/${alias.toUpperCase()}`)?.name).toBe(name);
  });

  test("arguments are typed: a count, a status word in either language, a room or a person", () => {
    expect(registry.parse("/history 50").args).toEqual({ limit: 50 });
    expect(registry.parse("/history #dev 5").args).toEqual({ target: { room: "#dev" }, limit: 5 });
    expect(registry.parse("/history ana").args).toEqual({ target: { with: "ana" } });
    expect(registry.parse("/estado ocupado en una reunión").args).toEqual({ status: "busy", note: "en una reunión" });
    expect(registry.parse("/status").args).toEqual({});
  });

  test("wrong arguments are a usage error worded from the declaration", () => {
    expect(error(() => registry.parse("/msg"))).toEqual({ code: "usage", key: "usage", params: { usage: "/msg <nick> <text>" } });
    expect(error(() => registry.parse("/msg ana"))).toMatchObject({ params: { usage: "/msg <nick> <text>" } });
    expect(error(() => registry.parse("/join a b"))).toMatchObject({ params: { usage: "/join <#room>" } });
    expect(error(() => registry.parse("/history #dev many"))).toMatchObject({ params: { usage: "/history [nick|#room] [n] [before]" } });
    expect(error(() => registry.parse("/nope x"))).toEqual({ code: "unknown_command", key: "unknown_command", params: { command: "nope" } });
  });
});

describe("a frame", () => {
  test("its type names the command and its fields are the arguments, as typed ones would be", () => {
    expect(registry.fromFrame("msg", { type: "msg", to: "ana", text: "hi" })).toMatchObject({ as: "msg", args: { to: "ana", text: "hi" } });
    expect(registry.fromFrame("history", { type: "history", with: "ana", limit: 5 }).args).toEqual({ target: { with: "ana" }, limit: 5 });
    expect(registry.fromFrame("say", { type: "say", text: "x", to: "#dev" }).args).toEqual({ text: "x" });
  });

  test("a missing or unfit argument is the same usage error as on a line", () => {
    expect(error(() => registry.fromFrame("msg", { type: "msg", text: "to whom?" }))).toMatchObject({ code: "usage", params: { usage: "/msg <nick> <text>" } });
    expect(error(() => registry.fromFrame("history", { type: "history", room: "#dev", limit: 0 }))).toMatchObject({ code: "usage" });
    expect(error(() => registry.fromFrame("status", { type: "status", status: "asleep" }))).toMatchObject({ code: "usage" });
  });

  test("what no declaration allows is a bad frame: an unknown type or field, an alias, the wrong JSON type, NUL", () => {
    const detail = (f: () => unknown) => (error(f) as { params: { detail: string } }).params.detail;
    expect(detail(() => registry.fromFrame("dance", { type: "dance" }))).toBe('unknown frame type "dance"');
    expect(detail(() => registry.fromFrame("privado", { type: "privado" }))).toBe('unknown frame type "privado"');
    expect(detail(() => registry.fromFrame("say", { type: "say", text: "x", extra: 1 }))).toBe('unknown field "extra"');
    expect(detail(() => registry.fromFrame("msg", { type: "msg", to: 7, text: "x" }))).toBe("to: expected a string");
    expect(detail(() => registry.fromFrame("history", { type: "history", room: "#a", limit: "5" }))).toBe("limit: expected a number");
    expect(detail(() => registry.fromFrame("say", { type: "say", text: "nul\u0000" }))).toBe("text: must not contain NUL");
    expect(detail(() => registry.fromFrame("say", { type: "say", text: "\ud800" }))).toBe("text: must not contain a lone surrogate");
    expect(detail(() => registry.fromFrame("history", { type: "history", room: "#a", with: "b" }))).toBe("give either room or with");
  });
});

describe("the registry", () => {
  test("a name declared twice, as a name, an alias or a Spanish name, throws", () => {
    const c = (name: string, aliases: string[] = [], spanish: string[] = []) => command({ name, aliases, spanish, args: [] as const, run() {} });
    expect(() => new Registry([c("a"), c("b", ["a"])])).toThrow("Command name /a is declared twice");
    expect(() => new Registry([c("a", [], ["x"]), c("b", ["x"])])).toThrow("Command name /x is declared twice");
  });

  test("/help lists what people type, not the protocol's own commands", () => {
    expect(registry.help().map((h) => h.name)).toEqual(
      ["help", "say", "msg", "reply", "me", "list", "status", "profile", "history", "join", "leave", "topic", "rooms", "motd", "set", "password", "quit"],
    );
    expect(registry.help().find((h) => h.name === "status")).toEqual({ name: "status", aliases: ["estado"], args: "[available|busy|away] [note]" });
  });
});
