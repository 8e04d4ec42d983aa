import { Registry, type CommandContext } from "../registry.ts";
import { help, motd, password, quit } from "./account.ts";
import { me, msg, reply } from "./messaging.ts";
import { history, join, leave, rooms } from "./rooms.ts";
import { list, profile, status } from "./users.ts";

/** Plain text goes to the room. */
function say({ hub, session }: CommandContext, text: string) {
  hub.post(session, text);
}

/** Every command, in the order /help lists them. */
export function createRegistry(): Registry {
  return new Registry([help, msg, reply, me, list, status, profile, history, join, leave, rooms, motd, password, quit], say);
}
