import { fail } from "../errors.ts";
import { command, usage } from "../registry.ts";

// People: who is online, statuses, profiles.

export const list = command({
  name: "list",
  aliases: ["who"],
  spanish: ["listar"],
  args: [] as const,
  run({ directory, send }) {
    send({ type: "users", users: directory.onlineUsers() });
  },
});

export const status = command({
  name: "status",
  spanish: ["estado"],
  args: [{ name: "status", type: "status", optional: true }, { name: "note", type: "text", optional: true }] as const,
  async run({ user, accounts, send }, { status: chosen, note }) {
    if (chosen === undefined) {
      // "/status in a meeting": a note needs a status word before it.
      if (note !== undefined) throw fail("usage", { usage: usage(status) });
      send({ type: "notice", notice: { key: "status_is", params: { status: user.status, note: user.statusNote } } });
      return;
    }
    await accounts.setStatus(user, chosen, note ?? "");
  },
});

export const profile = command({
  name: "profile",
  spanish: ["perfil"],
  args: [{ name: "nick", type: "nick", optional: true }] as const,
  async run({ user, directory, send }, { nick }) {
    send({ type: "profile", profile: await directory.profile(nick ?? user.nick) });
  },
});
