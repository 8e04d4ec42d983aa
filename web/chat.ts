// The signed-in side kept live from the server's frames: the user's conversations (every room they
// are in, and private ones) with the counts the server keeps, people, rooms and resumes.

import type { ChatMessage, ConversationState, HistoryFrame, PresenceFrame, RoomInfo, WelcomeFrame } from "../server/ws/protocol.ts";
import { Conversations } from "./conversations.ts";
import { historyBlock } from "./data.ts";
import { conversationKey, conversationOf, isRoom, mentionsMe, sameName, topicOf } from "./frames.ts";

export type { ChatHost } from "./conversations.ts";

export class Chat extends Conversations {
  /** Highest message id seen, in any conversation: `since` for a resume. */
  maxSeen = 0;
  /** The conversation to show when the server's `room` frame comes, instead of that room. */
  private pendingActive: string | null = null;
  /** A resume's missed messages come between its welcome and its `room`: the welcome counted them already. */
  private replaying = false;
  private welcomed = false;

  /** Before the session is back after a reload: the private conversations and the one that was shown. */
  restore(privates: string[], active?: string) {
    for (const nick of privates) this.conversation(nick);
    if (active) this.pendingActive = conversationKey(active);
  }

  /** After login or resume: people, rooms and counts replaced; logs kept. `since`: missed messages follow. */
  welcome(w: WelcomeFrame, since: boolean) {
    const first = !this.welcomed;
    this.welcomed = true;
    this.nick = w.nick;
    this.serverName = w.serverName;
    this.serverRoom = w.room;
    this.people.replace(w.users);
    this.allRooms.replace(w.rooms);
    const member = new Set(w.conversations.flatMap((s) => (s.room !== undefined ? [conversationKey(s.room)] : [])));
    for (const c of this.rooms) if (!member.has(c.key)) this.drop(c);
    for (const s of w.conversations) this.setState(s, true);
    this.pendingActive ??= this.activeKey || null;
    this.replaying = since;
    if (first && w.motd.length) this.conversation(w.room).note(w.motd.join("\n"), "notice", "motd");
    this.render();
  }

  /** The session's current room: shown, unless a resume is coming back to another conversation. */
  room(name: string) {
    this.serverRoom = name;
    const conv = this.conversation(name);
    // Its recent history follows, except at the end of a resume's replay.
    if (!this.replaying) conv.loaded = true;
    if (this.replaying) {
      this.replaying = false;
      for (const c of this.convs.values()) c.reconcile();
    }
    const wanted = this.pendingActive;
    this.pendingActive = null;
    this.activate(wanted && this.convs.has(wanted) ? wanted : conv.key);
  }

  message(m: ChatMessage) {
    this.maxSeen = Math.max(this.maxSeen, m.id);
    const to = conversationOf(m, this.nick);
    // A room the user has just left.
    if (isRoom(to) && !this.convs.has(conversationKey(to))) return;
    const conv = this.conversation(to);
    if (!conv.add([m]).length || this.replaying || sameName(m.from, this.nick)) return this.refresh();
    conv.unread++;
    const named = mentionsMe(m, this.nick);
    if (named) conv.mentions++;
    // Arriving where the user is not looking: the divider marks where they stopped.
    if (conv.key === this.activeKey && !conv.hasDivider && (!conv.atBottom() || document.visibilityState !== "visible")) conv.markUnread(conv.readId);
    if (named || !conv.isRoom) this.host.attention(m, conv.name);
    this.refresh();
  }

  history(h: HistoryFrame) {
    for (const m of h.messages) this.maxSeen = Math.max(this.maxSeen, m.id);
    const to = h.room ?? h.with;
    // The history of a room the user is not in: shown where they are.
    if (isRoom(to) && !this.convs.has(conversationKey(to))) return this.block(historyBlock(to, h.messages));
    const conv = this.conversation(to);
    conv.add(h.messages);
    this.paging.received(conv, h);
    this.seeking.step(conv, this.activeKey);
    this.refresh();
  }

  membership(room: string, joined: boolean, state?: ConversationState) {
    if (joined) {
      this.conversation(room);
      if (state) this.setState(state);
    } else {
      const conv = this.convs.get(conversationKey(room));
      if (conv) this.drop(conv);
    }
    this.render();
    this.host.changed();
  }

  /** Someone came, went, joined or left one of the user's rooms, or changed their status. */
  presence(p: PresenceFrame) {
    this.people.presence(p);
    if (p.room !== undefined && (p.change === "joined" || p.change === "left")) this.allRooms.counted(p.room, p.change);
    const joinedOrLeft = p.change === "joined" ? "joined" : p.change === "left" ? "left" : "";
    if (p.room !== undefined && joinedOrLeft && !sameName(p.nick, this.nick)) {
      this.convs.get(conversationKey(p.room))?.presence(p.nick, joinedOrLeft, p.reason);
    }
    this.render();
  }

  /** New counts from the server, after a read on this device or another. */
  unread(states: ConversationState[]) {
    for (const s of states) this.setState(s);
    this.refresh();
  }

  /** A notice: a line for the user; a topic's also changes the header, and is said in its own room. */
  notice(key: string, params: Record<string, unknown>, text: string) {
    const topic = topicOf(key, params);
    if (!topic) return this.note(text, "notice", key);
    this.allRooms.setTopic(topic.room, topic.topic);
    this.showTopic();
    (this.convs.get(conversationKey(topic.room)) ?? this.active ?? this.conversation(this.serverRoom)).note(text, "notice", key);
  }

  /** Every room (an answer to /rooms): the ones to browse are those the user is not in. */
  roomList(rooms: RoomInfo[]) {
    this.allRooms.replace(rooms);
    this.showTopic();
    this.render();
  }

  private setState(s: ConversationState, create = false) {
    const to = s.room ?? s.with;
    let conv = this.convs.get(conversationKey(to));
    // A private conversation with something new shows up; a read one that is not open stays away.
    if (!conv && (create || (s.with !== undefined && s.unread > 0))) conv = this.conversation(to);
    conv?.setState(s);
  }
}
