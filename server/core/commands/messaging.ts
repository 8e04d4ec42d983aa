import { fail } from "../errors.ts";
import { command } from "../registry.ts";

// Saying things: to the conversation the line was typed in, or privately to one person.

export const say = command({
  name: "say",
  args: [{ name: "text", type: "text" }] as const,
  run({ session, target, cid, messaging }, { text }) {
    return messaging.send(session, target, text, false, cid);
  },
});

export const msg = command({
  name: "msg",
  aliases: ["m"],
  spanish: ["privado"],
  args: [{ name: "to", type: "nick", label: "nick" }, { name: "text", type: "text" }] as const,
  async run({ session, cid, messaging }, { to, text }) {
    await messaging.whisper(session, to, text, "private", cid);
  },
});

export const reply = command({
  name: "reply",
  aliases: ["r"],
  spanish: ["responder"],
  args: [{ name: "text", type: "text" }] as const,
  async run({ session, user, messaging }, { text }) {
    const to = messaging.lastPrivateFrom(user);
    if (!to) throw fail("no_one_to_reply");
    await messaging.whisper(session, to, text);
  },
});

export const me = command({
  name: "me",
  spanish: ["yo"],
  args: [{ name: "action", type: "text" }] as const,
  run({ session, target, cid, messaging }, { action }) {
    return messaging.send(session, target, action, true, cid);
  },
});
