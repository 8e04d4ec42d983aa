import { Registry } from "../registry.ts";
import { help, login, motd, password, quit, resume, set } from "./account.ts";
import { me, msg, reply, say } from "./messaging.ts";
import { history, join, leave, read, rooms, topic } from "./rooms.ts";
import { list, profile, status } from "./users.ts";

/** Every command, in the order /help lists them. */
export function createRegistry(): Registry {
  return new Registry([help, say, msg, reply, me, list, status, profile, history, join, leave, topic, rooms, read, motd, set, password, quit, login, resume]);
}
