// The conversations the page holds (every room the user is in, and private ones) and the one it
// shows: switching, the header and sidebar drawn from them, reading, and opening at a message.
// Chat (chat.ts) keeps them live from the server's frames.

import type { ChatMessage, ClientFrame } from "../server/ws/protocol.ts";
import { Conversation, type NoteKind } from "./conversation.ts";
import { byId } from "./dom.ts";
import { conversationKey, isRoom, sameName } from "./frames.ts";
import { showConversation, showLeave, showTopic, showUnread } from "./header.ts";
import { JumpButton } from "./jump.ts";
import { People } from "./people.ts";
import { Paging } from "./paging.ts";
import { ReadMarkers } from "./reads.ts";
import { RoomDirectory } from "./room-directory.ts";
import { Seek } from "./seek.ts";
import { renderBrowse, renderConversations } from "./sidebar.ts";

export const LOBBY = "#lobby";

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

export class Conversations {
  nick = "";
  serverName = "chat";
  /** The session's current room on the server: where it last joined. */
  serverRoom = LOBBY;
  /** The room last shown: the one a resume asks to come back to. */
  lastRoom = LOBBY;
  activeKey = "";
  readonly people: People;
  protected readonly allRooms = new RoomDirectory();
  protected readonly convs = new Map<string, Conversation>();
  protected readonly paging: Paging;
  protected readonly seeking: Seek;
  private readonly reads: ReadMarkers;
  private readonly logs = byId("logs");
  private readonly jump: JumpButton;

  constructor(protected readonly host: ChatHost) {
    this.reads = new ReadMarkers(host.send, () => this.checkRead());
    this.paging = new Paging(host.send, (c) => c.key === this.activeKey);
    this.seeking = new Seek(this.paging);
    this.people = new People(() => this.nick, (nick) => this.open(nick));
    this.jump = new JumpButton(() => {
      const conv = this.active;
      if (!conv) return;
      conv.scrollToBottom();
      this.checkRead();
      this.updateJump();
      this.host.shown();
    });
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

  /** The room's topic under its name, when the server's room data has one. */
  protected showTopic() {
    const conv = this.active;
    showTopic(conv?.isRoom ? this.allRooms.topic(conv.name) : "");
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
    this.seeking.start(conv, id);
    this.activate(conv.key);
    this.host.picked();
    this.seeking.step(conv, this.activeKey);
  }

  /** Every room known (the user's and the others), for Tab. */
  roomNames(): string[] {
    return [...this.rooms.map((c) => c.name), ...this.allRooms.list.map((r) => r.name)];
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
    showConversation(conv, this.allRooms.topic(conv.name));
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
    const others = this.allRooms.list.filter((r) => !this.convs.has(conversationKey(r.name)));
    renderBrowse(byId("browse-list"), others, (room) => {
      this.host.send({ type: "join", room });
      this.host.picked();
    });
    byId("browse").hidden = others.length === 0;
    showLeave(this.active, this.rooms.length);
    this.people.render();
    showUnread(this.unreadTotal, this.active?.name, this.serverName);
    this.updateJump();
  }

  updateJump() {
    this.jump.update(this.active);
  }

  /** Counts may have changed: the active conversation may be read now, and the sidebar redrawn. */
  protected refresh() {
    this.checkRead();
    this.render();
  }

  protected drop(conv: Conversation) {
    conv.element.remove();
    this.convs.delete(conv.key);
    if (this.activeKey !== conv.key) return;
    this.activeKey = "";
    const next = [this.serverRoom, this.lastRoom, LOBBY].map(conversationKey).find((k) => this.convs.has(k)) ?? this.rooms[0]?.key;
    if (next) this.activate(next);
  }

  protected conversation(to: string): Conversation {
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
