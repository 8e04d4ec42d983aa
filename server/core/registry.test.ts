import { describe, expect, test } from "bun:test";
import { createRegistry } from "./commands/index.ts";
import { CommandError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { Hub } from "./hub.ts";
import { parseLine, Registry, usage, type Command, type CommandContext } from "./registry.ts";
import type { Session } from "./session.ts";
import type { User } from "./types.ts";

describe("parseLine", () => {
  test("plain text is text", () => {
    expect(parseLine("hello there")).toEqual({ text: "hello there" });
  });

  test('"//text" is the text "/text", so a line can start with a slash', () => {
    expect(parseLine("//etc/passwd is a file")).toEqual({ text: "/etc/passwd is a file" });
  });

  test('"/cmd args" is a command with its arguments, trimmed', () => {
    expect(parseLine("/msg  ana  hi there  ")).toEqual({ command: "msg", args: "ana  hi there" });
  });

  test("command names are case-insensitive; no arguments gives an empty string", () => {
    expect(parseLine("/HELP")).toEqual({ command: "help", args: "" });
    expect(parseLine("/Join #Dev")).toEqual({ command: "join", args: "#Dev" });
  });

  test('"!nick text" is a private message', () => {
    expect(parseLine("!ana see you")).toEqual({ command: "msg", args: "ana see you" });
  });

  test('"!" alone, "! x" and "!!" are plain text', () => {
    expect(parseLine("!")).toEqual({ text: "!" });
    expect(parseLine("! x")).toEqual({ text: "! x" });
    expect(parseLine("!!")).toEqual({ text: "!!" });
  });
});

/** A context just rich enough for the commands that do not touch the store. */
function fakeContext(registry: Registry) {
  const sent: ChatEvent[] = [];
  const calls: string[] = [];
  const user: User = {
    id: 7, nick: "ana", passwordHash: "h", createdAt: new Date(0), lastSeen: null,
    status: "available", statusNote: "", pmReadId: 0,
  };
  const session = {
    user,
    send: (e: ChatEvent) => sent.push(e),
    sink: { close: () => calls.push("close") },
  } as unknown as Session;
  const hub = {
    commands: registry,
    online: new Map(),
    onlineUsers: () => [],
    disconnect: (_s: Session, reason?: string) => calls.push(`disconnect:${reason}`),
    store: { profile: async (nick: string) => (calls.push(`profile:${nick}`), null) },
    onlineUser: () => undefined,
  } as unknown as Hub;
  const ctx: CommandContext = { hub, session, user };
  return { ctx, sent, calls };
}

describe("Registry.run", () => {
  const spy = (name: string, log: string[], aliases?: string[]): Command => ({
    name, aliases, help: name, run: (_ctx, args) => void log.push(`${name}(${args})`),
  });

  test("dispatches a command by name or alias, and text to say()", async () => {
    const log: string[] = [];
    const registry = new Registry([spy("one", log, ["uno"]), spy("two", log)], (_c, text) => log.push(`say(${text})`));
    const { ctx } = fakeContext(registry);
    await registry.run(ctx, "/one a b");
    await registry.run(ctx, "/UNO c");
    await registry.run(ctx, "/two");
    await registry.run(ctx, "hi");
    await registry.run(ctx, "//one");
    expect(log).toEqual(["one(a b)", "one(c)", "two()", "say(hi)", "say(/one)"]);
  });

  test("an unknown command is a CommandError coded unknown_command", async () => {
    const registry = createRegistry();
    const { ctx } = fakeContext(registry);
    const error = await registry.run(ctx, "/nope x").then(() => null, (e: CommandError) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error?.code).toBe("unknown_command");
    expect(error?.message).toBe("Unknown command /nope; type /help for the list");
  });

  test("a name declared twice, as name or alias, throws", () => {
    const log: string[] = [];
    expect(() => new Registry([spy("a", log), spy("b", log, ["a"])], () => {})).toThrow("Command name /a is declared twice");
    expect(() => new Registry([spy("a", log, ["x"]), spy("b", log, ["x"])], () => {})).toThrow("Command name /x is declared twice");
  });

  test("the Spanish aliases find the commands they translate", () => {
    const registry = createRegistry();
    const pairs = { listar: "list", estado: "status", perfil: "profile", salir: "quit", desconectar: "quit", ayuda: "help" };
    for (const [alias, name] of Object.entries(pairs)) expect(registry.find(alias)?.name).toBe(name);
    expect(registry.find("/LISTAR")?.name).toBe("list");
    expect(registry.find("nope")).toBeUndefined();
  });

  test("/salir and /desconectar say goodbye, disconnect with the message and close", async () => {
    const registry = createRegistry();
    for (const line of ["/salir hasta luego", "/desconectar"]) {
      const { ctx, sent, calls } = fakeContext(registry);
      await registry.run(ctx, line);
      expect(sent).toEqual([{ type: "system", text: "Goodbye!" }]);
      expect(calls).toEqual([line === "/desconectar" ? "disconnect:undefined" : "disconnect:hasta luego", "close"]);
    }
  });

  test("/listar lists who is online, /estado shows your status, /perfil looks up the nick", async () => {
    const registry = createRegistry();
    const { ctx, sent, calls } = fakeContext(registry);
    await registry.run(ctx, "/listar");
    await registry.run(ctx, "/estado");
    const error = await registry.run(ctx, "/perfil bob").then(() => null, (e: CommandError) => e);
    expect(sent).toEqual([
      { type: "system", text: "Online (0):\n" },
      { type: "system", text: "Your status is available. /status <available|busy|away> [note]" },
    ]);
    expect(calls).toEqual(["profile:bob"]);
    expect(error?.message).toBe('No user named "bob"');
  });
});

describe("/help", () => {
  test("/ayuda lists every command with its usage, help and aliases, generated from the entries", async () => {
    const registry = createRegistry();
    const { ctx, sent } = fakeContext(registry);
    await registry.run(ctx, "/ayuda");
    expect(sent).toHaveLength(1);
    const text = (sent[0] as { text: string }).text;
    const lines = text.split("\n");
    expect(lines[0]).toBe("Commands:");
    expect(lines.at(-1)).toBe("Anything else you type goes to your room; //text sends a line that starts with /");
    expect(lines).toHaveLength(registry.all.length + 2);
    expect(registry.all.map((c) => c.name)).toEqual(
      ["help", "msg", "reply", "me", "list", "status", "profile", "history", "join", "leave", "rooms", "motd", "password", "quit"],
    );
    registry.all.forEach((c, i) => {
      const line = lines[i + 1]!;
      expect(line.startsWith(`  ${usage(c)} `)).toBe(true);
      expect(line).toContain(`  ${c.help}`);
      for (const a of c.aliases ?? []) expect(line).toContain(`/${a}`);
    });
    // Columns line up on the longest usage, "/status <available|busy|away> [note]" (36 characters).
    expect(lines[1]).toBe(`  /help [command]${" ".repeat(36 - 15 + 2)}List the commands, or explain one (/ayuda /h /?)`);
  });

  test("/help <command> explains one command and names its aliases", async () => {
    const registry = createRegistry();
    const { ctx, sent } = fakeContext(registry);
    await registry.run(ctx, "/help estado");
    expect(sent).toEqual([{
      type: "system",
      text: "/status <available|busy|away> [note]\nSet your status (also disponible|ocupado|ausente) with an optional note\nAlso: /estado",
    }]);
    const error = await registry.run(ctx, "/help frob").then(() => null, (e: CommandError) => e);
    expect(error?.message).toBe("Unknown command frob; type /help for the list");
  });
});
