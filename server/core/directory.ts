import { fail, missing } from "./errors.ts";
import { LOBBY } from "./rooms.ts";
import type { HistoryEvent, OnlineUser, ProfileInfo, RoomInfo } from "./events.ts";
import type { Limits } from "./limits.ts";
import type { Presence } from "./presence.ts";
import type { Store } from "./store.ts";
import type { Target, User } from "./types.ts";

/** Who is here and what there is: the lists and profiles users ask for. */
export class Directory {
  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly limits: Pick<Limits, "historyDefault" | "historyMax">,
  ) {}

  /**
   * A page of a room's messages, or of the conversation between `user` and another, before an id.
   * Every client's page size is checked here, once: /history 500 and a frame asking for 500 get
   * the same answer.
   */
  async history(user: User, target: Target, limit = this.limits.historyDefault, before?: number): Promise<HistoryEvent> {
    if (limit < 1 || limit > this.limits.historyMax) throw fail("bad_count", { max: this.limits.historyMax });
    if ("room" in target) {
      const room = await this.store.findRoom(target.room);
      if (!room) throw missing("no_such_room", { room: target.room });
      return { type: "history", target: { room: room.name }, reason: "page", messages: await this.store.roomHistory(room.id, limit, before), ...(before !== undefined ? { before } : {}) };
    }
    const other = this.presence.get(target.with)?.user ?? (await this.store.findUser(target.with));
    if (!other) throw missing("no_such_user", { nick: target.with });
    const messages = await this.store.conversation(user.id, other.id, limit, before);
    return { type: "history", target: { with: other.nick }, reason: "page", messages, ...(before !== undefined ? { before } : {}) };
  }

  onlineUsers(): OnlineUser[] {
    return this.presence.users();
  }

  async profile(nick: string): Promise<ProfileInfo> {
    const p = await this.store.profile(nick);
    if (!p) throw missing("no_such_user", { nick });
    const online = this.presence.get(p.user.nick);
    const u = online?.user ?? p.user;
    return {
      id: u.id, nick: u.nick, createdAt: u.createdAt, lastSeen: u.lastSeen, online: this.presence.isOnline(p.user.nick),
      status: u.status, note: u.statusNote, messagesSent: p.messagesSent,
    };
  }

  /** Every room with its members, how many are online and its topic; `user`'s own rooms with their unread counts. */
  async rooms(user?: User): Promise<RoomInfo[]> {
    const [all, mine] = await Promise.all([this.store.listRooms(), user ? this.store.memberships(user.id) : []]);
    const counts = new Map(mine.map((m) => [m.room.id, m]));
    // A room everyone has left is not listed (it is made again by the next /join); the lobby always is.
    return all.filter(({ room, members }) => members > 0 || room.name === LOBBY).map(({ room, members, topic }) => {
      const info: RoomInfo = { name: room.name, members, online: this.presence.membersOnline(room.id), ...(topic ? { topic } : {}) };
      const m = counts.get(room.id);
      if (m) Object.assign(info, { unread: m.unread, mentions: m.mentions });
      return info;
    });
  }
}
