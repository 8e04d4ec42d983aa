import { CommandError, UsageError } from "../errors.ts";
import { usage, type Command } from "../registry.ts";
import { historyOf } from "../history.ts";
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
    const rows = (await hub.roomList()).map(({ name, users }) => [name, users === 1 ? "1 user" : `${users} users`]);
    session.send({ type: "system", text: `Rooms (${rows.length}):\n${table(rows)}` });
  },
};

export const history: Command = {
  name: "history",
  aliases: ["historial"],
  args: "[nick|#room] [n]",
  help: "Show the last n messages (default 20) of a room, or between you and a user",
  async run({ hub, session, user }, args) {
    const words = args.split(/\s+/).filter(Boolean);
    if (words.length > 2) throw new UsageError(usage(history));
    let target: string | undefined = words[0];
    let count: string | undefined = words[1];
    if (target !== undefined && count === undefined && /^\d+$/.test(target)) [target, count] = [undefined, target];
    const n = count === undefined ? hub.settings.limits.historyDefault : Number(count);
    const room = target ?? session.room?.name;
    if (!room) throw new CommandError("You are not in a room");
    session.send(await historyOf(hub, user, room.startsWith("#") ? { room } : { with: room }, n));
  },
};
