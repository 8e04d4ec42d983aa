import { CommandError, NotFoundError } from "./errors.ts";
import type { HistoryEvent } from "./events.ts";
import type { Hub } from "./hub.ts";
import type { User } from "./types.ts";

export type HistoryTarget = { room: string } | { with: string };

/** A room's messages, or a conversation between `user` and another, as one history event. */
export async function historyOf(hub: Hub, user: User, target: HistoryTarget, limit: number, before?: number): Promise<HistoryEvent> {
  const { historyMax } = hub.settings.limits;
  if (!Number.isInteger(limit) || limit < 1 || limit > historyMax) {
    throw new CommandError(`The count must be a whole number from 1 to ${historyMax}`);
  }
  if ("room" in target) {
    const room = await hub.store.findRoom(target.room);
    if (!room) throw new NotFoundError(`No room named ${target.room}`, "no_such_room");
    const messages = await hub.store.roomHistory(room.id, limit, before);
    return { type: "history", title: `${lastN(messages.length, "message")} in ${room.name}`, messages, room: room.name };
  }
  const other = await hub.store.findUser(target.with);
  if (!other) throw new NotFoundError(`No user named "${target.with}"`, "no_such_user");
  const messages = await hub.store.conversation(user.id, other.id, limit, before);
  return { type: "history", title: `${lastN(messages.length, "private message")} with ${other.nick}`, messages, with: other.nick };
}

function lastN(n: number, what: string) {
  return n === 1 ? `The last ${what}` : `Last ${n} ${what}s`;
}
