import { CommandError } from "../errors.ts";
import { firstWord, type Command } from "../registry.ts";

export const msg: Command = {
  name: "msg",
  aliases: ["m", "privado"],
  args: "<nick> <text>",
  help: "Send a private message; !nick text does the same",
  async run({ hub, session }, args) {
    const [to, text] = firstWord(msg, args);
    await hub.whisper(session, to, text);
  },
};

export const reply: Command = {
  name: "reply",
  aliases: ["r", "responder"],
  args: "<text>",
  help: "Answer the last private message you received",
  async run({ hub, session, user }, args) {
    const to = hub.onlineUser(user.nick)?.lastPrivateFrom;
    if (!to) throw new CommandError("Nobody has sent you a private message yet");
    if (args.trim() === "") throw new CommandError(`Usage: /reply <text> (to ${to})`, "usage");
    await hub.whisper(session, to, args);
  },
};

export const me: Command = {
  name: "me",
  aliases: ["yo"],
  args: "<action>",
  help: "Describe what you are doing, e.g. /me waves",
  run({ hub, session }, args) {
    if (args.trim() === "") throw new CommandError("Usage: /me <action>", "usage");
    return hub.say(session, args, "emote");
  },
};
