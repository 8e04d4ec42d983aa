// The signed-in side: the user's conversations (every room they are in, and private ones), each
// with the counts the server keeps, kept live from the server's frames.

import type { ChatMessage, ClientFrame, ConversationState, HistoryFrame, PresenceFrame, RoomInfo, WelcomeFrame } from "../server/ws/protocol.ts";
import { Conversation, type NoteKind } from "./conversation.ts";
import { historyBlock } from "./data.ts";
import { byId } from "./dom.ts";
import { conversationKey, conversationOf, isRoom, mentionsMe, sameName } from "./frames.ts";
import { People } from "./people.ts";
import { Paging } from "./paging.ts";
import { ReadMarkers } from "./reads.ts";
import { renderBrowse, renderConversations } from "./sidebar.ts";

const LOBBY = "#lobby";

export interface ChatHost {
  send(frame: ClientFrame): boolean;
  /** Something worth keeping over a reload (active conversation, private ones) changed. */
  changed(): void;
  /** The sidebar should close (phone layout) after picking a conversation. */
  picked(): void;
  /** A conversation is shown: the message box may take the focus. */
  shown(): void;
  /** A message for the user (a mention, or a private message) arrived: tell them if they are away. */
  attention(m: ChatMessage, to: string): void;
}

export class Chat {
  nick = "";
  serverName = "chat";
  /** The session's current room on the server: where it last joined. */
  serverRoom = LOBBY;
  /** The room last shown: the one a resume asks to come back to. */
  lastRoom = LOBBY;
  /** Highest message id seen, in any conversation: `since` for a resume. */
  maxSeen = 0;
  activeKey = "";
  readonly people: People;
  /** The conversation to show when the server's `room` frame comes, instead of that room. */
  private pendingActive: string | null = null;
  /** A resume's missed messages come between its welcome and its `room`: the welcome counted them already. */
  private replaying = false;
  private welcomed = false;
  private readonly allRooms = new Map<string, RoomInfo>();
  private readonly convs = new Map<string, Conversation>();
  private readonly reads: ReadMarkers;
  private readonly paging: Paging;
  private readonly logs = byId("logs");
  private readonly jump = byId<HTMLButtonElement>("jump-latest");
  /** A message to show once its conversation has loaded back to it (a search result). */
  private seeking: { key: string; id: number } | null = null;

  constructor(private readonly host: ChatHost) {
    this.reads = new ReadMarkers(host.send, () => this.checkRead());
    this.paging = new Paging(host.send, (c) => c.key === this.activeKey);
    this.people = new People(() => this.nick, (nick) => this.open(nick));
    this.jump.onclick = () => {
      const conv = this.active;
      if (!conv) return;
      conv.scrollToBottom();
      this.checkRead();
      this.updateJump();
      this.host.shown();
    };
  }

  get active(): Conversation | undefined {
    return this.convs.get(this.activeKey);
  }

  get rooms(): Conversation[] {
    return [...this.convs.values()].filter((c) => c.isRoom).sort((a, b) => a.name.localeCompare(b.name));
  }

  get privates(): Conversation[] {
    return [...this.convs.values()].filter((c) => !c.isRoom);
  }

  get unreadTotal(): number {
    let n = 0;
    for (const c of this.convs.values()) n += c.unread;
    return n;
  }

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
    this.allRooms.clear();
    for (const r of w.rooms) this.allRooms.set(conversationKey(r.name), r);
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
    this.seek(conv);
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
    const room = p.room !== undefined ? this.allRooms.get(conversationKey(p.room)) : undefined;
    if (room && (p.change === "joined" || p.change === "left")) room.members = Math.max(0, room.members + (p.change === "joined" ? 1 : -1));
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

  /** Every room (an answer to /rooms): the ones to browse are those the user is not in. */
  roomList(rooms: RoomInfo[]) {
    this.allRooms.clear();
    for (const r of rooms) this.allRooms.set(conversationKey(r.name), r);
    this.showTopic();
    this.render();
  }

  /** The room's topic under its name, when the server's room data has one. */
  private showTopic() {
    const conv = this.active;
    const info = conv ? (this.allRooms.get(conv.key) as (RoomInfo & { topic?: unknown }) | undefined) : undefined;
    const topic = conv?.isRoom && typeof info?.topic === "string" ? info.topic : "";
    const node = byId("current-topic");
    node.textContent = topic;
    node.title = topic;
    node.hidden = !topic;
  }

  /** Notices, errors and data go to whatever the user is looking at. */
  note(text: string, kind: NoteKind = "notice", key?: string) {
    (this.active ?? this.conversation(this.serverRoom)).note(text, kind, key);
  }

  block(node: HTMLElement) {
    (this.active ?? this.conversation(this.serverRoom)).block(node);
  }

  /** Shows the conversation with `to` ("#room" of the user's, or a nick), starting it if need be. */
  open(to: string) {
    if (isRoom(to) && !this.convs.has(conversationKey(to))) return;
    this.activate(this.conversation(to).key);
    this.host.picked();
  }

  /** Shows the conversation at a message (a search result), loading older pages until it is there. */
  openAt(to: string, id: number) {
    if (isRoom(to) && !this.convs.has(conversationKey(to))) return;
    const conv = this.conversation(to);
    this.seeking = { key: conv.key, id };
    this.activate(conv.key);
    this.host.picked();
    this.seek(conv);
  }

  /** A search result's message, once loaded, is shown with what was said before it. */
  private seek(conv: Conversation) {
    const s = this.seeking;
    if (!s || s.key !== conv.key || conv.key !== this.activeKey) return;
    if (conv.has(s.id)) {
      this.seeking = null;
      conv.reveal(s.id);
      // Some context above it, too, when it is the oldest shown.
      if (conv.oldestId === s.id) this.paging.older(conv);
    } else if (conv.loaded && !conv.loadingLatest && !conv.reachedStart && conv.oldestId !== undefined) {
      if (conv.oldestId < s.id) this.seeking = null; // Not in this conversation any more.
      else this.paging.older(conv);
    } else if (conv.reachedStart) {
      this.seeking = null;
    }
  }

  /** Every room known (the user's and the others), for Tab. */
  roomNames(): string[] {
    return [...this.rooms.map((c) => c.name), ...[...this.allRooms.values()].map((r) => r.name)];
  }

  /** People online and those of the private conversations, for Tab. */
  nicks(): string[] {
    return [...this.people.list.map((u) => u.nick), ...this.privates.map((c) => c.name)].filter((n) => !sameName(n, this.nick));
  }

  isMember(room: string): boolean {
    return this.convs.has(conversationKey(room));
  }

  closePrivate(nick: string) {
    const conv = this.convs.get(conversationKey(nick));
    if (conv && !conv.isRoom) this.drop(conv);
    this.render();
    this.host.changed();
  }

  activate(key: string) {
    const conv = this.convs.get(key);
    if (!conv) return;
    const previous = this.active;
    if (previous && previous !== conv) {
      previous.element.hidden = true;
      previous.clearDivider();
    }
    this.activeKey = key;
    conv.element.hidden = false;
    if (conv.isRoom) this.lastRoom = conv.name;
    if (!conv.loaded) this.paging.latest(conv);
    if (previous !== conv) {
      if (conv.unread > 0) conv.markUnread(conv.readId);
      conv.showFromDivider();
    }
    byId("current-title").textContent = conv.isRoom ? conv.name : `${conv.name} (private)`;
    this.showTopic();
    byId<HTMLInputElement>("composer-input").placeholder = conv.isRoom ? `Message ${conv.name}` : `Message ${conv.name} privately`;
    byId("composer-label").textContent = conv.isRoom ? `Message to ${conv.name}` : `Private message to ${conv.name}`;
    this.paging.fill(conv);
    this.refresh();
    this.host.changed();
    if (previous !== conv) this.host.shown();
  }

  /** The active conversation is read when the window shows it scrolled to the end: the server is told. */
  checkRead() {
    const conv = this.active;
    if (!conv || !conv.loaded || document.visibilityState !== "visible" || !document.hasFocus() || !conv.atBottom()) return;
    const had = conv.unread + conv.mentions;
    conv.unread = 0;
    conv.mentions = 0;
    this.reads.seen(conv);
    if (had) this.render();
  }

  /** Stops everything that would still run: the chat is being replaced. */
  dispose() {
    this.reads.clear();
  }

  render() {
    const item = (c: Conversation) => ({ to: c.name, unread: c.unread, mentions: c.mentions, active: c.key === this.activeKey });
    const open = (to: string) => this.open(to);
    renderConversations(byId("room-list"), this.rooms.map(item), open);
    const privates = this.privates;
    renderConversations(byId("pm-list"), privates.map(item), open, (nick) => this.closePrivate(nick));
    byId("pm-empty").hidden = privates.length > 0;
    const others = [...this.allRooms.values()].filter((r) => !this.convs.has(conversationKey(r.name)));
    renderBrowse(byId("browse-list"), others, (room) => {
      this.host.send({ type: "join", room });
      this.host.picked();
    });
    byId("browse").hidden = others.length === 0;
    const active = this.active;
    const leave = byId("leave-room");
    leave.hidden = !active?.isRoom || this.rooms.length < 2;
    leave.setAttribute("aria-label", `Leave ${active?.name ?? "the room"}`);
    this.people.render();
    const unread = this.unreadTotal;
    const menu = byId("menu-unread");
    menu.textContent = unread ? String(unread) : "";
    menu.hidden = unread === 0;
    document.title = `${unread ? `(${unread}) ` : ""}${active?.name ?? this.serverName}${active ? ` · ${this.serverName}` : ""}`;
    this.updateJump();
  }

  /** "Jump to latest" shows while the reader is scrolled up, with how many messages are below. */
  updateJump() {
    const conv = this.active;
    const away = !!conv && !conv.atBottom();
    this.jump.hidden = !away;
    if (!away) return;
    const below = conv.below;
    this.jump.textContent = below > 0 ? `${below} new ${below === 1 ? "message" : "messages"} below ↓` : "Jump to latest ↓";
  }

  /** Counts may have changed: the active conversation may be read now, and the sidebar redrawn. */
  private refresh() {
    this.checkRead();
    this.render();
  }

  private setState(s: ConversationState, create = false) {
    const to = s.room ?? s.with;
    let conv = this.convs.get(conversationKey(to));
    // A private conversation with something new shows up; a read one that is not open stays away.
    if (!conv && (create || (s.with !== undefined && s.unread > 0))) conv = this.conversation(to);
    conv?.setState(s);
  }

  private drop(conv: Conversation) {
    conv.element.remove();
    this.convs.delete(conv.key);
    if (this.activeKey !== conv.key) return;
    this.activeKey = "";
    const next = [this.serverRoom, this.lastRoom, LOBBY].map(conversationKey).find((k) => this.convs.has(k)) ?? this.rooms[0]?.key;
    if (next) this.activate(next);
  }

  private conversation(to: string): Conversation {
    const key = conversationKey(to);
    let conv = this.convs.get(key);
    if (!conv) {
      const c = new Conversation(to, () => this.nick);
      c.onNearTop = () => this.paging.older(c);
      c.onScroll = () => {
        if (c.key !== this.activeKey) return;
        this.checkRead();
        this.updateJump();
      };
      this.convs.set(key, c);
      this.logs.append(c.element);
      conv = c;
    }
    return conv;
  }
}
