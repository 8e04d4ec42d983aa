import { fail } from "./errors.ts";
import type { ChatEvent } from "./events.ts";
import type { Directory } from "./directory.ts";
import type { Limits } from "./limits.ts";
import type { Log } from "./log.ts";
import type { Memberships } from "./memberships.ts";
import type { Moderation } from "./moderation.ts";
import type { ServerInfo } from "./motd.ts";
import { notice } from "./notices.ts";
import type { Online, Presence } from "./presence.ts";
import type { Reads } from "./reads.ts";
import { LOBBY, type RoomTable } from "./rooms.ts";
import type { Session } from "./session.ts";
import type { Store } from "./store.ts";
import type { ChatMessage, ConversationState, InputContext, Membership, User } from "./types.ts";

/** Signed tokens that let an app come back after a dropped connection without its password. */
export interface ResumeTokens<C = unknown> {
  issue(user: User): string;
  /** The claims of a valid, unexpired token naming `nick`; null for anything else. */
  verify(token: string): (C & { nick: string }) | null;
  /** A token stops working when its account's password changes. */
  stillValid(claims: C, user: User): boolean;
}

/** Private conversations a new device lists besides those with something unread. */
const RECENT_CONVERSATIONS = 20;

/** A reconnecting app: the last message id it saw, and the room it was in. */
export interface Resume {
  /** Absent after a page reload: a fresh view, as at login. */
  since?: number;
  room?: string;
}

/** How a typed line runs once the session is in the chat. */
export type LineRunner = (session: Session, line: string, context?: InputContext) => Promise<void>;

/**
 * Puts an authenticated session into the chat. A fresh login gets the welcome (with every
 * conversation's unread counts), the private messages that arrived while the account was away,
 * and its current room; a resume gets the welcome and every message it missed.
 */
export class Entry {
  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly memberships: Memberships,
    private readonly rooms: RoomTable,
    private readonly reads: Reads,
    private readonly directory: Directory,
    private readonly moderation: Pick<Moderation, "refuseBanned">,
    private readonly info: ServerInfo,
    private readonly limits: Pick<Limits, "historyMax" | "resumeMax">,
    private readonly tokens: ResumeTokens | null,
    private readonly runLine: LineRunner,
    private readonly log: Log,
  ) {}

  /** A resume: the token's account, if it still may log in, enters where it was. */
  async resume(session: Session, token: string, resume: Resume) {
    const claims = this.tokens?.verify(token);
    const user = claims ? await this.store.findUser(claims.nick) : null;
    if (!claims || !user || !this.tokens!.stillValid(claims, user)) throw fail("bad_token");
    await this.enter(session, user, resume);
  }

  async enter(session: Session, user: User, resume?: Resume) {
    // Logins that take a password check before it too, so a banned account cannot be used to
    // guess it; this check is the one every path passes, and it sees a ban made meanwhile.
    await this.moderation.refuseBanned(session, user.nick);
    const joined = await this.memberships.load(user.id);
    // The connection may have gone meanwhile; a closed session must not go online.
    if (session.closed) return;
    if (user.settings.lang) session.lang = user.settings.lang;
    const { online, first } = this.presence.add(session, user, joined.map((m) => m.room));
    session.loggedIn();
    this.log.info("login", { nick: user.nick, transport: session.sink.transport, remote: session.sink.remote, resume: resume !== undefined });
    if (first) {
      this.presence.announce(this.presence.event(online.user, "online"), this.rooms.audience(joined.map((m) => m.room.id)), new Set([session]));
    }
    try {
      await this.arrive(session, online, joined, resume);
    } catch (e) {
      // Half logged in is worse than not at all: online, yet never running what the user types.
      session.sink.close();
      throw e;
    }
    session.startCommands((line, context) => this.runLine(session, line, context));
  }

  /** Issues a new token to every app session of the account (its password changed, voiding the old ones). */
  renewTokens(user: User) {
    if (!this.tokens) return;
    for (const s of this.presence.get(user.nick)?.sessions ?? []) {
      if (s.seesAllRooms) s.send({ type: "credentials", token: this.tokens.issue(user) });
    }
  }

  private async arrive(session: Session, online: Online, joined: Membership[], resume?: Resume) {
    const user = online.user;
    const wanted = resume?.room?.toLowerCase();
    const current = joined.find((m) => m.room.name.toLowerCase() === wanted)?.room
      ?? joined.find((m) => m.room.name === LOBBY)?.room ?? joined[0]!.room;
    const privates = await this.store.privateConversations(user.id, RECENT_CONVERSATIONS);
    const conversations: ConversationState[] = [
      ...joined.map((m) => ({ room: m.room.name, readId: m.readId, unread: m.unread, mentions: m.mentions })),
      ...privates.map((p) => ({ with: p.peer.nick, readId: p.readId, unread: p.unread, mentions: 0 })),
    ];
    const welcome: ChatEvent = {
      type: "welcome", nick: user.nick, serverName: this.info.serverName, motd: this.info.motd, lang: session.lang,
      settings: user.settings, room: current.name, conversations, rooms: await this.directory.rooms(), users: this.presence.users(),
    };
    if (this.tokens && session.seesAllRooms) welcome.token = this.tokens.issue(user);
    // Everything live waits until what is replayed here has been sent, so nothing shows twice or out of order.
    session.hold();
    const shown = new Set<number>();
    const first: ChatEvent[] = [welcome];
    try {
      if (session.seesAllRooms) for (const m of joined) this.rooms.view(session, m.room);
      if (resume?.since !== undefined) {
        first.push(...(await this.missed(online, resume.since, shown)));
        session.room = current;
        first.push({ type: "room", room: current.name });
      } else {
        first.push(...(await this.away(session, user, privates.some((p) => p.unread > 0), shown)));
      }
    } catch (e) {
      session.release([], () => false);
      throw e;
    }
    session.release(first, (m) => shown.has(m.id));
    this.rooms.subscribe(session);
    if (resume?.since === undefined) await this.memberships.switchTo(session, current);
  }

  /** Every message of the account's rooms and conversations since `since`, up to limits.resumeMax. */
  private async missed(online: Online, since: number, shown: Set<number>): Promise<ChatEvent[]> {
    const max = this.limits.resumeMax;
    // One more than shown tells whether anything was left out.
    const missed = await this.store.messagesSince(online.user.id, [...online.rooms.keys()], since, max + 1);
    const events: ChatEvent[] = [];
    if (missed.length > max) {
      missed.shift();
      // Said, not silent: the older ones can be fetched with history frames.
      events.push({ type: "notice", notice: notice("resume_truncated", { max }) });
    }
    for (const message of missed) {
      shown.add(message.id);
      events.push({ type: "message", message });
    }
    return events;
  }

  /** The private messages that arrived while the account was away, conversation by conversation. */
  private async away(session: Session, user: User, any: boolean, shown: Set<number>): Promise<ChatEvent[]> {
    if (!any) return [];
    const { messages, total } = await this.store.unreadPrivateMessages(user.id, this.limits.historyMax);
    if (messages.length === 0) return [];
    const events: ChatEvent[] = [{ type: "notice", notice: notice("away_summary", { total, shown: messages.length }) }];
    const byPeer = new Map<string, ChatMessage[]>();
    for (const m of messages) {
      shown.add(m.id);
      const list = byPeer.get(m.from) ?? [];
      list.push(m);
      byPeer.set(m.from, list);
    }
    for (const [peer, list] of byPeer) events.push({ type: "history", target: { with: peer }, reason: "away", messages: list });
    const online = this.presence.get(user.nick);
    if (online) online.lastPrivateFrom = messages.at(-1)!.from;
    // A terminal shows them now; an app shows them when the user opens the conversation.
    if (!session.seesAllRooms) {
      for (const list of byPeer.values()) {
        const peer = await this.store.findUser(list[0]!.from);
        if (peer) this.reads.shownPrivate(user, peer, list.at(-1)!.id);
      }
    }
    return events;
  }
}
