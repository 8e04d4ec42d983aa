import { CommandError } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { Hub } from "./hub.ts";
import { validateRoomName } from "./names.ts";
import { LOBBY, type RoomState } from "./rooms.ts";
import type { Session } from "./session.ts";

// Moving a session between rooms: who is told, and what the session is shown on arrival.

/** Moves the session to a room, replaying its recent messages, or on a resume all it missed. */
export async function join(hub: Hub, session: Session, name: string, resumeSince?: number) {
  const user = session.user!;
  const roomName = validateRoomName(name);
  const state = await hub.rooms.open(hub.store, roomName, user.id);
  // Gone while the room was looked up: it must not be left behind as a member.
  if (session.closed) return;
  if (session.room?.id === state.room.id && resumeSince === undefined) {
    throw new CommandError(`You are already in ${state.room.name}`);
  }
  leaveRoom(hub, session);
  // Live messages wait until the replay has been sent, so nothing shows twice or out of order.
  session.hold();
  if (hub.rooms.add(session, state)) hub.presence.announce(hub.presence.event(user, "joined", state.room.name), state);
  try {
    const shown = await replay(hub, session, state, resumeSince);
    const lastId = Math.max(0, ...shown.flatMap((e) => (e.type === "history" ? e.messages : e.type === "message" ? [e.message] : [])).map((m) => m.id));
    // A plain join replays only the room, so private messages held meanwhile are all new.
    session.release([{ type: "room", room: state.room.name }, ...shown], (m) =>
      m.id <= lastId && (resumeSince !== undefined || m.room !== undefined));
  } catch (e) {
    session.release([], () => false);
    throw e;
  } finally {
    // Only now, with the replay and the held events sent, may the room's messages come on a topic:
    // published earlier, they would pass the replay. Nothing is delivered between release and here.
    hub.rooms.subscribe(session);
  }
}

/** A room's recent history on a plain join; on a resume, every message the session missed. */
async function replay(hub: Hub, session: Session, state: RoomState, resumeSince?: number): Promise<ChatEvent[]> {
  const { historyDefault, resumeMax } = hub.settings.limits;
  if (resumeSince === undefined) {
    // Sent even when empty, so a client can tell "nothing here yet" from "not loaded yet".
    const messages = await hub.store.roomHistory(state.room.id, historyDefault);
    return [{ type: "history", title: `Recent messages in ${state.room.name}`, messages, room: state.room.name }];
  }
  const user = session.user!;
  // One more than shown tells whether anything was left out.
  const missed = await hub.store.messagesSince(user.id, state.room.id, resumeSince, resumeMax + 1);
  const truncated = missed.length > resumeMax;
  if (truncated) missed.shift();
  const online = hub.onlineUser(user.nick);
  for (const m of missed) if (m.to === user.nick && online) online.pmSeen = Math.max(online.pmSeen, m.id);
  const replayed: ChatEvent[] = missed.map((message) => ({ type: "message", message }));
  if (truncated) {
    // Said, not silent: the older ones can be fetched with history frames.
    replayed.unshift({ type: "system", text: `Only the last ${resumeMax} missed messages are replayed; older ones are in the history` });
  }
  return replayed;
}

/** Back to the lobby. */
export async function leave(hub: Hub, session: Session) {
  if (session.room?.name === LOBBY) throw new CommandError(`You are in ${LOBBY}, the room everyone starts in; /join another room first`);
  await join(hub, session, LOBBY);
}

/** Takes the session out of its room, telling the room when the account's last session there left. */
export function leaveRoom(hub: Hub, session: Session, reason?: string) {
  const room = session.room;
  const emptied = hub.rooms.remove(session);
  if (!room || !emptied) return;
  const event = hub.presence.event(session.user!, "left", room.name);
  if (reason) event.reason = reason;
  hub.presence.announce(event, emptied);
}
