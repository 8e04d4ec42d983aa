// The people online, kept from the welcome and presence frames, and the user's own status.

import type { PresenceFrame, UserInfo } from "../server/ws/protocol.ts";
import { byId } from "./dom.ts";
import { nickKey, sameName } from "./frames.ts";
import { renderUsers } from "./sidebar.ts";

export class People {
  private readonly users = new Map<string, UserInfo>();

  constructor(private readonly me: () => string, private readonly open: (nick: string) => void) {}

  get list(): UserInfo[] {
    return [...this.users.values()];
  }

  replace(users: UserInfo[]) {
    this.users.clear();
    for (const u of users) this.users.set(nickKey(u.nick), { ...u, rooms: [...(u.rooms ?? [])] });
  }

  presence(p: PresenceFrame) {
    const key = nickKey(p.nick);
    if (p.change === "offline" || !p.online) {
      this.users.delete(key);
      return;
    }
    const u: UserInfo = this.users.get(key) ?? { nick: p.nick, status: p.status, note: p.note, rooms: [] };
    u.status = p.status;
    u.note = p.note ?? "";
    if (p.room !== undefined) {
      const room = p.room;
      u.rooms = u.rooms.filter((r) => !sameName(r, room));
      if (p.change !== "left") u.rooms.push(room);
    }
    this.users.set(key, u);
  }

  render() {
    const users = this.list;
    renderUsers(byId("user-list"), users, this.me(), this.open);
    byId("user-count").textContent = String(users.length);
    byId("me-nick").textContent = this.me();
    const mine = this.users.get(nickKey(this.me()));
    if (!mine) return;
    byId<HTMLSelectElement>("status-select").value = mine.status;
    const note = byId<HTMLInputElement>("status-note");
    if (document.activeElement !== note) note.value = mine.note;
    byId("me-dot").className = `dot dot--${mine.status}`;
  }
}
