import { CommandError, UsageError } from "../errors.ts";
import { usage, type Command } from "../registry.ts";
import { table } from "./format.ts";

export const join: Command = {
  name: "join",
  aliases: ["j", "unirse"],
  args: "#room",
  help: "Enter a room, creating it if it does not exist; its recent messages are replayed",
  run({ hub, session }, args) {
    if (!args) throw new UsageError(usage(join));
    return hub.join(session, args.split(/\s+/)[0]!);
  },
};

export const leave: Command = {
  name: "leave",
  aliases: ["part", "dejar"],
  help: "Leave the current room and go back to #lobby",
  run({ hub, session }) {
    return hub.leave(session);
  },
};

export const rooms: Command = {
  name: "rooms",
  aliases: ["salas"],
  help: "List the rooms and how many users are in each",
  async run({ hub, session }) {
    const rows = (await hub.roomList()).map(({ room, users }) => [room.name, users === 1 ? "1 user" : `${users} users`]);
    session.send({ type: "system", text: `Rooms (${rows.length}):\n${table(rows)}` });
  },
};

export const history: Command = {
  name: "history",
  aliases: ["historial"],
  args: "[nick|#room] [n]",
  help: "Show the last n messages (default 20) of a room, or between you and a user",
  async run({ hub, session, user }, args) {
    const { historyDefault, historyMax } = hub.settings.limits;
    const words = args.split(/\s+/).filter(Boolean);
    if (words.length > 2) throw new UsageError(usage(history));
    let target: string | undefined = words[0];
    let countWord: string | undefined = words[1];
    if (target !== undefined && countWord === undefined && /^\d+$/.test(target)) [target, countWord] = [undefined, target];
    const n = countWord === undefined ? historyDefault : Number(countWord);
    if (!Number.isInteger(n) || n < 1 || n > historyMax) {
      throw new CommandError(`The count must be a whole number from 1 to ${historyMax}`);
    }
    if (target === undefined || target.startsWith("#")) {
      const name = target ?? session.room?.name;
      const room = name ? await hub.store.findRoom(name) : null;
      if (!room) throw new CommandError(name ? `No room named ${name}` : "You are not in a room");
      const messages = await hub.store.roomHistory(room.id, n);
      session.send({ type: "history", title: `${lastN(messages.length, "message")} in ${room.name}`, messages });
      return;
    }
    const other = await hub.store.findUser(target);
    if (!other) throw new CommandError(`No user named "${target}"`, "no_such_user");
    const messages = await hub.store.conversation(user.id, other.id, n);
    session.send({ type: "history", title: `${lastN(messages.length, "private message")} with ${other.nick}`, messages });
  },
};

function lastN(n: number, what: string) {
  return n === 1 ? `The last ${what}` : `Last ${n} ${what}s`;
}
