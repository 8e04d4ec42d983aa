import type { Background } from "./background.ts";
import type { ClusterLink } from "./cluster-link.ts";
import { fail, missing } from "./errors.ts";
import { foldKey } from "./names.ts";
import type { Online, Presence } from "./presence.ts";
import type { RoomState } from "./rooms.ts";
import type { ReadTarget, Store } from "./store.ts";
import type { ConversationState, Target, User } from "./types.ts";

/**
 * Read markers, kept by the server per user and conversation so every device shows the same
 * unread counts. An app says what the user has read; a terminal has read what it was shown: its
 * current room up to the last message delivered while it showed it, and each private message.
 * Markers live in the store, so every node counts the same; in a cluster, the account's sessions
 * on other nodes are told the new counts through the control channel.
 */
export class Reads {
  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly background: Background,
    private readonly cluster: Pick<ClusterLink, "publish"> | null = null,
  ) {}

  /** The user says they have read `target` up to `id` (the web, as they scroll). */
  async mark(user: User, target: Target, id: number) {
    const resolved = await this.resolve(user, target);
    await this.store.markRead(user.id, resolved.read, id);
    await this.announce(user, resolved.target, resolved.read);
  }

  /** A terminal stops showing a room: what was delivered there meanwhile has been read. */
  shownRoom(user: User, state: RoomState) {
    if (state.lastId === 0) return;
    const read = { roomId: state.room.id };
    const id = state.lastId;
    this.background.run("read marker", async () => {
      await this.store.markRead(user.id, read, id);
      await this.announce(user, { room: state.room.name }, read);
    });
  }

  /** A terminal showed a private message from `peer`. */
  shownPrivate(user: User, peer: { id: number; nick: string }, id: number) {
    const read = { peerId: peer.id };
    this.background.run("read marker", async () => {
      await this.store.markRead(user.id, read, id);
      await this.announce(user, { with: peer.nick }, read);
    });
  }

  /** Tells every session of the account (still online, on any node) the conversation's counts now. */
  private async announce(user: User, target: Target, read: ReadTarget) {
    const elsewhere = this.cluster !== null && this.presence.elsewhere(user.nick).length > 0;
    if (!this.presence.get(user.nick) && !elsewhere) return;
    const state: ConversationState = { ...target, ...(await this.store.readState(user.id, read)) };
    this.readElsewhere(user.nick, state);
    if (elsewhere) this.cluster!.publish({ t: "read", nick: user.nick, state });
  }

  /** The account's counts for a conversation moved (here, or on another node): its sessions here are told. */
  readElsewhere(nick: string, state: ConversationState) {
    const online = this.presence.get(nick);
    if (!online) return;
    for (const s of online.sessions) s.send({ type: "unread", conversations: [state] });
  }

  private async resolve(user: User, target: Target): Promise<{ target: Target; read: ReadTarget }> {
    if ("room" in target) {
      const room = membership(this.presence.get(user.nick), target.room);
      if (!room) throw fail("not_member", { room: target.room });
      return { target: { room: room.name }, read: { roomId: room.id } };
    }
    const peer = this.presence.get(target.with)?.user ?? (await this.store.findUser(target.with));
    if (!peer) throw missing("no_such_user", { nick: target.with });
    return { target: { with: peer.nick }, read: { peerId: peer.id } };
  }
}

/** The account's room named `name`, if it is a member. */
export function membership(online: Online | undefined, name: string) {
  if (!online) return undefined;
  // Clients mostly send a room's name as the server gave it: that is found without folding.
  for (const room of online.rooms.values()) if (room.name === name) return room;
  const key = foldKey(name.startsWith("#") ? name : `#${name}`);
  for (const room of online.rooms.values()) if (foldKey(room.name) === key) return room;
  return undefined;
}
