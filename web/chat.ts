// The signed-in side: conversations, people and rooms, kept live from the server's frames.

import { Conversation, conversationKey } from "./conversation.ts";
import { byId } from "./dom.ts";
import { nickKey, type ChatMessage, type ClientFrame, type HistoryFrame, type PresenceFrame, type RoomInfo, type UserInfo, type WelcomeFrame } from "./protocol.ts";
import { renderRooms, renderTabs, renderUsers } from "./view.ts";

/** How many older messages one scroll to the top asks for. */
export const HISTORY_PAGE = 50;
const LOBBY = "#lobby";

export interface ChatHost {
  send(frame: ClientFrame): boolean;
  /** Something worth persisting (room, tabs, active tab) changed. */
  changed(): void;
  /** The sidebar should close (phone layout) after picking a room or person. */
  picked(): void;
}

export class Chat {
  nick = "";
  room = LOBBY;
  /** Highest message id seen, in any conversation: `since` for a resume. */
  maxSeen = 0;
  activeKey = "";
  private readonly users = new Map<string, UserInfo>();
  private readonly knownRooms = new Map<string, string>();
  private readonly conversations = new Map<string, Conversation>();
  /** Keys of open private tabs, in order. */
  private pmTabs: string[] = [];
  /** Whether each log was scrolled to the bottom when it was last hidden. */
  private readonly stick = new Map<string, boolean>();
  private readonly logs = byId("logs");

  constructor(private readonly host: ChatHost) {}

  get active(): Conversation | undefined {
    return this.conversations.get(this.activeKey);
  }

  get openPms(): string[] {
    return this.pmTabs.map((k) => this.conversations.get(k)!.name);
  }

  get unreadTotal(): number {
    return [...this.conversations.values()].reduce((n, c) => n + c.unread, 0);
  }

  /** After login or resume: the people and rooms are replaced, the conversations kept. */
  welcome(w: WelcomeFrame) {
    const first = this.conversations.size === 0;
    this.nick = w.nick;
    this.users.clear();
    for (const u of w.users) this.users.set(nickKey(u.nick), { ...u, rooms: [...(u.rooms ?? [])] });
    for (const r of w.rooms) this.knownRooms.set(r.name.toLowerCase(), r.name);
    this.setRoom(w.room);
    if (first && w.motd.length) this.roomConversation(w.room).note(w.motd.join("\n"));
    this.renderSidebar();
  }

  setRoom(room: string) {
    const changed = room.toLowerCase() !== this.room.toLowerCase() || !this.conversations.has(conversationKey("room", room));
    this.room = room;
    this.knownRooms.set(room.toLowerCase(), room);
    this.roomConversation(room);
    if (changed || !this.activeKey) this.activate(conversationKey("room", room));
    byId("leave-room").hidden = room.toLowerCase() === LOBBY;
    this.renderSidebar();
    this.host.changed();
  }

  message(m: ChatMessage) {
    this.maxSeen = Math.max(this.maxSeen, m.id);
    const mine = nickKey(m.from) === nickKey(this.nick);
    const conv = m.kind === "private" ? this.pm(mine ? m.to ?? m.from : m.from) : this.roomConversation(m.room ?? this.room);
    const added = conv.add([m]);
    if (added.length && !mine && conv.key !== this.activeKey) {
      conv.unread++;
      this.renderTabs();
    }
  }

  history(h: HistoryFrame) {
    for (const m of h.messages) this.maxSeen = Math.max(this.maxSeen, m.id);
    const conv = h.with ? this.pm(h.with) : this.roomConversation(h.room ?? this.room);
    conv.add(h.messages);
    if (conv.loadingOlder) {
      conv.loadingOlder = false;
      conv.reachedStart = h.messages.length < HISTORY_PAGE;
    } else if (h.messages.length === 0 && conv.size === 0) {
      conv.reachedStart = true;
    }
    conv.setTopState(conv.reachedStart ? "start" : "idle");
    this.fillScreen(conv);
  }

  presence(p: PresenceFrame) {
    const key = nickKey(p.nick);
    const before = this.users.get(key);
    if (p.change === "offline" || !p.online) {
      this.users.delete(key);
      if (before && this.inRoom(before, this.room)) this.roomNote(`${p.nick} went offline${p.reason ? ` (${p.reason})` : ""}`);
    } else {
      const u: UserInfo = before ?? { nick: p.nick, status: p.status, note: p.note, rooms: [] };
      u.status = p.status;
      u.note = p.note ?? "";
      if (p.room) {
        this.knownRooms.set(p.room.toLowerCase(), p.room);
        const has = this.inRoom(u, p.room);
        if (p.change === "left" && has) u.rooms = u.rooms.filter((r) => r.toLowerCase() !== p.room!.toLowerCase());
        else if (p.change !== "left" && !has) u.rooms.push(p.room);
        const here = p.room.toLowerCase() === this.room.toLowerCase();
        if (here && key !== nickKey(this.nick) && (p.change === "joined" || p.change === "left")) {
          this.roomNote(`${p.nick} ${p.change === "joined" ? "joined" : "left"} ${p.room}${p.reason ? ` (${p.reason})` : ""}`);
        }
      }
      this.users.set(key, u);
    }
    if (key === nickKey(this.nick)) this.showMyStatus();
    this.renderSidebar();
  }

  /** Command output, notices and errors go to whatever the user is looking at. */
  note(text: string, kind: "system" | "error" = "system") {
    (this.active ?? this.roomConversation(this.room)).note(text, kind);
  }

  /** Opens (or shows) the private tab with `nick`, loading its history the first time. */
  openPm(nick: string) {
    const key = conversationKey("pm", nick);
    const fresh = !this.conversations.has(key);
    const conv = this.pm(nick);
    this.activate(key);
    if (fresh || conv.size === 0) this.host.send({ type: "history", with: conv.name, limit: HISTORY_PAGE });
    this.host.picked();
  }

  closePm(key: string) {
    this.pmTabs = this.pmTabs.filter((k) => k !== key);
    if (this.activeKey === key) this.activate(conversationKey("room", this.room));
    else this.renderTabs();
    this.host.changed();
  }

  activate(key: string) {
    const prev = this.active;
    if (prev) {
      this.stick.set(prev.key, prev.atBottom());
      prev.element.hidden = true;
    }
    const conv = this.conversations.get(key);
    if (!conv) return;
    this.activeKey = key;
    conv.element.hidden = false;
    conv.unread = 0;
    if (this.stick.get(key) ?? true) conv.scrollToBottom();
    const title = conv.kind === "room" ? conv.name : `Private with ${conv.name}`;
    byId("current-title").textContent = title;
    byId<HTMLInputElement>("composer-input").placeholder = conv.kind === "room" ? `Message ${conv.name}` : `Message ${conv.name} privately`;
    byId("composer-label").textContent = conv.kind === "room" ? `Message to ${conv.name}` : `Private message to ${conv.name}`;
    this.renderTabs();
    this.fillScreen(conv);
    this.host.changed();
  }

  /** Asks for the messages before the oldest one shown, once at a time, until the start. */
  requestOlder(conv: Conversation) {
    if (conv.loadingOlder || conv.reachedStart || conv.oldestId === undefined || conv.key !== this.activeKey) return;
    const where = conv.kind === "room" ? { room: conv.name } : { with: conv.name };
    if (!this.host.send({ type: "history", ...where, before: conv.oldestId, limit: HISTORY_PAGE })) return;
    conv.loadingOlder = true;
    conv.setTopState("loading");
    setTimeout(() => {
      if (conv.loadingOlder) {
        conv.loadingOlder = false;
        conv.setTopState("idle");
      }
    }, 10_000);
  }

  renderTabs() {
    const room = this.conversations.get(conversationKey("room", this.room));
    const convs = [room, ...this.pmTabs.map((k) => this.conversations.get(k))].filter((c): c is Conversation => !!c);
    renderTabs(byId("tabs"), convs.map((c) => ({ key: c.key, kind: c.kind, label: c.name, unread: c.unread, active: c.key === this.activeKey })),
      (key) => this.activate(key), (key) => this.closePm(key));
    const unread = this.unreadTotal;
    document.title = `${unread ? `(${unread}) ` : ""}${this.active?.name ?? "chat"} · chat`;
  }

  renderSidebar() {
    const users = [...this.users.values()];
    renderUsers(byId("user-list"), users, this.nick, (nick) => this.openPm(nick));
    byId("user-count").textContent = String(users.length);
    const rooms: RoomInfo[] = [...this.knownRooms.values()].map((name) => ({ name, users: users.filter((u) => this.inRoom(u, name)).length }));
    renderRooms(byId("room-list"), rooms, this.room, (room) => {
      this.host.send({ type: "join", room });
      this.host.picked();
    });
    byId("me-nick").textContent = this.nick;
  }

  private showMyStatus() {
    const me = this.users.get(nickKey(this.nick));
    if (!me) return;
    byId<HTMLSelectElement>("status-select").value = me.status;
    const note = byId<HTMLInputElement>("status-note");
    if (document.activeElement !== note) note.value = me.note;
    byId("me-dot").className = `dot dot--${me.status}`;
  }

  private inRoom(u: UserInfo, room: string): boolean {
    return u.rooms.some((r) => r.toLowerCase() === room.toLowerCase());
  }

  private roomNote(text: string) {
    this.roomConversation(this.room).note(text, "presence");
  }

  /** Loads older messages while the log is too short to scroll. */
  private fillScreen(conv: Conversation) {
    if (conv.key !== this.activeKey || conv.reachedStart) return;
    requestAnimationFrame(() => {
      if (conv.element.scrollHeight <= conv.element.clientHeight) this.requestOlder(conv);
    });
  }

  private roomConversation(room: string): Conversation {
    return this.conversation("room", room);
  }

  private pm(nick: string): Conversation {
    const conv = this.conversation("pm", nick);
    if (!this.pmTabs.includes(conv.key)) {
      this.pmTabs.push(conv.key);
      this.renderTabs();
      this.host.changed();
    }
    return conv;
  }

  private conversation(kind: "room" | "pm", name: string): Conversation {
    const key = conversationKey(kind, name);
    let conv = this.conversations.get(key);
    if (!conv) {
      conv = new Conversation(kind, name, () => this.nick);
      const c = conv;
      c.onNearTop = () => this.requestOlder(c);
      c.element.hidden = true;
      this.conversations.set(key, c);
      this.logs.append(c.element);
    }
    return conv;
  }
}
