import { NotFoundError, UsageError } from "../errors.ts";
import { firstWord, usage, type Command } from "../registry.ts";
import { STATUSES, type Status } from "../types.ts";
import { formatDate, table } from "./format.ts";

const STATUS_WORDS: Record<string, Status> = {
  available: "available", disponible: "available",
  busy: "busy", ocupado: "busy",
  away: "away", ausente: "away",
};

export const list: Command = {
  name: "list",
  aliases: ["who", "listar"],
  help: "Show who is online, with their status and room",
  run({ hub, session }) {
    const rows = hub.onlineUsers().map((u) => [u.nick, u.status + (u.note ? ` (${u.note})` : ""), u.rooms.join(",") || "-"]);
    session.send({ type: "system", text: `Online (${rows.length}):\n${table(rows)}` });
  },
};

export const status: Command = {
  name: "status",
  aliases: ["estado"],
  args: `<${STATUSES.join("|")}> [note]`,
  help: "Set your status (also disponible|ocupado|ausente) with an optional note",
  async run({ hub, session, user }, args) {
    if (args === "") {
      const note = user.statusNote ? ` (${user.statusNote})` : "";
      session.send({ type: "system", text: `Your status is ${user.status}${note}. ${usage(status)}` });
      return;
    }
    const [word, note] = firstWord(status, args, false);
    const value = STATUS_WORDS[word.toLowerCase()];
    if (!value) throw new UsageError(usage(status));
    await hub.setStatus(session, value, note);
  },
};

export const profile: Command = {
  name: "profile",
  aliases: ["perfil"],
  args: "[nick]",
  help: "Show a user's id, creation date, last seen, status and messages sent",
  async run({ hub, session, user }, args) {
    const nick = args.split(/\s+/)[0] || user.nick;
    const p = await hub.store.profile(nick);
    if (!p) throw new NotFoundError(`No user named "${nick}"`, "no_such_user");
    const online = hub.onlineUser(p.user.nick);
    const u = online?.user ?? p.user;
    const seen = online ? "online now" : u.lastSeen ? formatDate(u.lastSeen) : "never";
    const text = [
      `Profile of ${u.nick}`,
      table([
        ["id", String(u.id)],
        ["created", formatDate(u.createdAt)],
        ["last seen", seen],
        ["status", u.status + (u.statusNote ? ` (${u.statusNote})` : "")],
        ["messages sent", String(p.messagesSent)],
      ]),
    ].join("\n");
    session.send({ type: "system", text });
  },
};
