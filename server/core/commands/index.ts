import { CommandError } from "../errors.ts";
import { Registry, type CommandContext } from "../registry.ts";
import { help, motd, password, quit } from "./account.ts";
import { me, msg, reply } from "./messaging.ts";
import { history, join, leave, rooms } from "./rooms.ts";
import { list, profile, status } from "./users.ts";

/** Plain text goes to the room; the send is not awaited so a fast typist is not held to one commit per line. */
function say({ hub, session }: CommandContext, text: string) {
  hub.say(session, text).catch((e) => {
    hub.log.error("message not stored", { nick: session.user?.nick, error: String(e) });
    hub.report(session, new CommandError("Message not sent: it could not be stored; try again", "not_stored"));
  });
}

/** Every command, in the order /help lists them. */
export function createRegistry(): Registry {
  return new Registry([help, msg, reply, me, list, status, profile, history, join, leave, rooms, motd, password, quit], say);
}
