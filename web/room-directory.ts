// Every room on the server as the last room list said (members, online, topic), kept current by
// presence and topic changes: what "Other rooms" offers, what Tab completes, and the topic the
// header shows under a room's name.

import type { RoomInfo } from "../server/ws/protocol.ts";
import { conversationKey } from "./frames.ts";

export class RoomDirectory {
  private readonly rooms = new Map<string, RoomInfo>();
  /** Kept apart from `rooms`: a room just joined, not yet in a list, has its topic too. */
  private readonly topics = new Map<string, string>();

  /** A room list from the server (the welcome's, or an answer to `rooms`): it replaces what was known. */
  replace(list: RoomInfo[]) {
    this.rooms.clear();
    this.topics.clear();
    for (const r of list) {
      this.rooms.set(conversationKey(r.name), r);
      if (r.topic) this.topics.set(conversationKey(r.name), r.topic);
    }
  }

  get list(): RoomInfo[] {
    return [...this.rooms.values()];
  }

  /** Someone joined or left a room: its member count follows until the next list. */
  counted(room: string, change: "joined" | "left") {
    const info = this.rooms.get(conversationKey(room));
    if (info) info.members = Math.max(0, info.members + (change === "joined" ? 1 : -1));
  }

  /** The room's topic; "" when it has none. */
  topic(room: string): string {
    return this.topics.get(conversationKey(room)) ?? "";
  }

  /** The topic was set ("" cleared) or told on joining. */
  setTopic(room: string, topic: string) {
    const key = conversationKey(room);
    if (topic) this.topics.set(key, topic);
    else this.topics.delete(key);
    const info = this.rooms.get(key);
    if (info) info.topic = topic || undefined;
  }
}
