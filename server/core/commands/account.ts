import { CommandError } from "../errors.ts";
import { checkPassword } from "../hub.ts";
import { usage, type Command } from "../registry.ts";
import type { CommandContext } from "../registry.ts";

export const help: Command = {
  name: "help",
  aliases: ["ayuda", "h", "?"],
  args: "[command]",
  help: "List the commands, or explain one",
  run({ hub, session }, args) {
    if (args) {
      const c = hub.commands.find(args.split(/\s+/)[0]!);
      if (!c) throw new CommandError(`Unknown command ${args}; type /help for the list`, "unknown_command");
      const aka = c.aliases?.length ? `\nAlso: ${c.aliases.map((a) => "/" + a).join(", ")}` : "";
      session.send({ type: "system", text: `${usage(c)}\n${c.help}${aka}` });
      return;
    }
    const width = Math.max(...hub.commands.all.map((c) => usage(c).length));
    const lines = hub.commands.all.map((c) => {
      const aka = c.aliases?.length ? ` (${c.aliases.map((a) => "/" + a).join(" ")})` : "";
      return `  ${usage(c).padEnd(width)}  ${c.help}${aka}`;
    });
    session.send({ type: "system", text: `Commands:\n${lines.join("\n")}\nAnything else you type goes to your room; //text sends a line that starts with /` });
  },
};

export const motd: Command = {
  name: "motd",
  help: "Show the message of the day",
  run({ hub, session }) {
    session.send({ type: "system", text: hub.settings.motd.join("\n") });
  },
};

export const password: Command = {
  name: "password",
  aliases: ["passwd", "clave"],
  args: "[current new]",
  help: "Change your password; with no arguments it asks for each without echoing",
  async run(ctx: CommandContext, args) {
    const { hub, session, user } = ctx;
    const words = args.split(/\s+/).filter(Boolean);
    if (words.length !== 0 && words.length !== 2) throw new CommandError(`Usage: ${usage(password)}`, "usage");
    const current = words[0] ?? (await session.ask("Current password: ", true));
    if (!(await hub.passwords.verify(current, user.passwordHash))) throw new CommandError("Wrong password; nothing changed");
    let next = words[1];
    if (next === undefined) {
      next = checkPassword(await session.ask("New password: ", true));
      if ((await session.ask("Repeat new password: ", true)) !== next) throw new CommandError("The passwords do not match; nothing changed");
    }
    const hash = await hub.passwords.hash(checkPassword(next));
    await hub.store.setPassword(user.id, hash);
    user.passwordHash = hash;
    for (const s of hub.onlineUser(user.nick)?.sessions ?? []) s.send({ type: "credentials" });
    session.send({ type: "system", text: "Password changed" });
  },
};

export const quit: Command = {
  name: "quit",
  aliases: ["salir", "desconectar", "exit"],
  args: "[message]",
  help: "Leave the chat, with an optional goodbye",
  run({ hub, session }, args) {
    session.send({ type: "system", text: "Goodbye!" });
    hub.disconnect(session, args || undefined);
    session.sink.close();
  },
};
