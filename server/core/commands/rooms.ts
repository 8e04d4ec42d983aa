import { fail } from "../errors.ts";
import { command } from "../registry.ts";

// Rooms a user is in, moving between them, and what was said in a conversation.

export const join = command({
  name: "join",
  aliases: ["j"],
  spanish: ["unirse"],
  args: [{ name: "room", type: "room", label: "#room" }] as const,
  run({ session, memberships }, { room }) {
    return memberships.join(session, room);
  },
});

export const leave = command({
  name: "leave",
  aliases: ["part"],
  spanish: ["dejar"],
  args: [{ name: "room", type: "room", optional: true, label: "#room" }] as const,
  run({ session, target, memberships }, { room }) {
    // Without a name, the room the line was typed in (an app's open room, a terminal's current one).
    return memberships.leave(session, room ?? ("room" in target ? target.room : undefined));
  },
});

export const topic = command({
  name: "topic",
  spanish: ["tema"],
  args: [{ name: "text", type: "text", optional: true }] as const,
  run({ session, target, memberships, send }, { text }) {
    if (!("room" in target)) throw fail("topic_needs_room");
    if (text === undefined) return memberships.showTopic(session, target.room).then((n) => send({ type: "notice", notice: n }));
    // "-" clears it: an empty text would be a request to show it.
    return memberships.setTopic(session, target.room, text.trim() === "-" ? "" : text);
  },
});

export const rooms = command({
  name: "rooms",
  spanish: ["salas"],
  args: [] as const,
  async run({ session, user, memberships, directory, send }) {
    // A terminal has read its room up to now; the counts must say so.
    await memberships.settle(session);
    const list = await directory.rooms(user);
    for (const r of list) if (r.name === session.room?.name) r.current = true;
    send({ type: "rooms", rooms: list });
  },
});

export const history = command({
  name: "history",
  spanish: ["historial"],
  args: [
    { name: "target", type: "target", optional: true },
    { name: "limit", type: "count", optional: true, label: "n" },
    { name: "before", type: "id", optional: true },
  ] as const,
  async run({ user, target: here, directory, send }, { target, limit, before }) {
    send(await directory.history(user, target ?? here, limit, before));
  },
});

export const read = command({
  name: "read",
  hidden: true,
  args: [{ name: "target", type: "target" }, { name: "id", type: "id" }] as const,
  run({ user, reads }, { target, id }) {
    return reads.mark(user, target, id);
  },
});
