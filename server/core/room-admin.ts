import type { ClusterLink } from "./cluster-link.ts";
import { fail, missing } from "./errors.ts";
import type { Limits } from "./limits.ts";
import type { Memberships } from "./memberships.ts";
import { foldKey } from "./names.ts";
import type { Presence } from "./presence.ts";
import { LOBBY } from "./rooms.ts";
import type { RoomStats, Store } from "./store.ts";
import type { MessageWriter } from "./writer.ts";

/** A room in `chat admin rooms`: its stored figures and how many of its members are online now. */
export interface RoomSummary extends RoomStats {
  online: number;
}

/** The most rooms one listing shows; a pattern narrows it. */
export const ROOMS_LIST_MAX = 1000;

const DAY_MS = 86_400_000;

/**
 * What the operator does to rooms (`chat admin rooms`, `chat admin room delete`), and the pruning of
 * rooms nobody has belonged to for `limits.emptyRoomDays`. A deleted room goes with its messages:
 * kept, they would belong to no room anyone could join, and a new room of the same name would
 * show a stranger's history.
 */
export class RoomAdmin {
  constructor(
    private readonly store: Store,
    private readonly presence: Pick<Presence, "membersOnline">,
    private readonly memberships: Pick<Memberships, "roomDeleted">,
    private readonly writer: Pick<MessageWriter, "drain">,
    private readonly limits: Pick<Limits, "emptyRoomDays">,
    /** The other nodes, when this one is part of a cluster: their members of the room are moved out too. */
    private readonly cluster: Pick<ClusterLink, "publish"> | null = null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rooms whose name contains `pattern`, by name, with members online on any node. */
  async list(pattern: string): Promise<RoomSummary[]> {
    const rooms = await this.store.roomStats(pattern, ROOMS_LIST_MAX);
    return rooms.map((r) => ({ ...r, online: this.presence.membersOnline(r.room.id) }));
  }

  /** Deletes a room (not the lobby); its members online are told and moved out first. */
  async remove(name: string): Promise<{ room: string; members: number; messages: number }> {
    // `chat admin room delete dev` means #dev.
    const wanted = name.startsWith("#") ? name : `#${name}`;
    const [stats] = (await this.store.roomStats(wanted, ROOMS_LIST_MAX)).filter((r) => foldKey(r.room.name) === foldKey(wanted));
    if (!stats) throw missing("no_such_room", { room: wanted });
    if (foldKey(stats.room.name) === foldKey(LOBBY)) throw fail("lobby_kept", { room: stats.room.name });
    this.cluster?.publish({ t: "room_deleted", room: stats.room });
    await this.memberships.roomDeleted(stats.room);
    // Messages to it accepted before its members were moved out are stored first: a batch naming
    // a room that is gone would be refused whole, with other rooms' messages in it.
    await this.writer.drain();
    await this.store.deleteRoom(stats.room.id);
    return { room: stats.room.name, members: stats.members, messages: stats.messages };
  }

  /** Deletes the rooms nobody belongs to that were made, and last had a message, `emptyRoomDays` ago or more. */
  async pruneEmpty(): Promise<string[]> {
    const days = this.limits.emptyRoomDays;
    if (days === 0) return [];
    const pruned = await this.store.pruneRooms(new Date(this.now() - days * DAY_MS), LOBBY);
    return pruned.map((r) => r.name);
  }
}
