import type { Hub } from "./hub.ts";
import type { Online } from "./presence.ts";
import { LOBBY } from "./rooms.ts";
import type { Session } from "./session.ts";
import type { User } from "./types.ts";

/** A reconnecting client: the last message id it saw, and the room it was in. */
export interface Resume {
  /** Absent after a page reload: a fresh view of `room`, as at login. */
  since?: number;
  room?: string;
}

/**
 * Puts an authenticated session into the chat. A fresh login gets the welcome, the private
 * messages that arrived while the account was away, and the lobby's recent history; a resume
 * gets the welcome and every message it missed, in its old room.
 */
export async function enter(hub: Hub, session: Session, user: User, resume?: Resume) {
  // The connection may have gone while the password was checked; a closed session must not go online.
  if (session.closed) return;
  const { online, first } = hub.addOnline(session, user);
  session.loggedIn();
  try {
    await arrive(hub, session, online, first, resume);
  } catch (e) {
    // Half logged in is worse than not at all: online, yet never running what the user types.
    hub.drop(session);
    throw e;
  }
  session.startCommands((line) => hub.execute(session, line));
}

async function arrive(hub: Hub, session: Session, online: Online, first: boolean, resume?: Resume) {
  const user = online.user;
  // Read before any await: a private message delivered live meanwhile raises pmSeen, and must not
  // hide the older ones that arrived while the account was away (at worst one shows twice).
  const readUpTo = online.pmSeen;
  hub.log.info("login", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote, resume: resume !== undefined });
  const room = resume?.room ?? LOBBY;
  session.send({
    type: "welcome",
    nick: online.user.nick,
    serverName: hub.settings.serverName,
    motd: hub.settings.motd,
    room,
    rooms: await hub.roomList(),
    users: hub.onlineUsers(),
  });

  if (resume?.since !== undefined) {
    const since = resume.since;
    await hub.join(session, room, since).catch(() => hub.join(session, LOBBY, since));
  } else {
    const missed = await hub.store.privateSince(user.id, readUpTo, hub.settings.limits.historyMax);
    if (missed.total > 0) {
      const shown = missed.messages.length < missed.total ? ` (the last ${missed.messages.length} below)` : "";
      const n = missed.total === 1 ? "1 private message" : `${missed.total} private messages`;
      session.send({ type: "system", text: `While you were away, ${n} arrived${shown}` });
      session.send({ type: "history", title: "Missed private messages", messages: missed.messages });
      online.pmSeen = Math.max(online.pmSeen, missed.messages.at(-1)!.id);
      online.lastPrivateFrom = missed.messages.at(-1)!.from;
    }
    await hub.join(session, room).catch(() => hub.join(session, LOBBY));
  }
  if (first || resume) await hub.store.markSeen(user.id, online.pmSeen);
}
