import { expect, test } from "bun:test";
import type { Store } from "../core/store.ts";

/**
 * Messages in the shared store suite (store.suite.ts calls it in its place among the others):
 * storing batches, client ids, exact text, private conversations, what was missed, and search.
 */
export function messageStoreTests(get: () => Store) {
  test("insertMessages() stores a batch with rising ids in order", async () => {
    const store = get();
    const u = await store.createUser("Caro", "h");
    const room = await store.ensureRoom("#batch", u.id);
    const batch = Array.from({ length: 1203 }, (_, i) => ({
      kind: "public" as const, senderId: u.id, from: u.nick, roomId: room.id, room: room.name, text: `m${i}`,
    }));
    const stored = await store.insertMessages(batch);
    expect(stored.length).toBe(1203);
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.id).toBeGreaterThan(stored[i - 1]!.id);
    expect(stored[5]!.text).toBe("m5");
    const last = await store.roomHistory(room.id, 3);
    expect(last.map((m) => m.text)).toEqual(["m1200", "m1201", "m1202"]);
    expect(last[2]!.id).toBe(stored[1202]!.id);
    expect(last[0]!.room).toBe("#batch");
    expect(last[0]!.from).toBe("Caro");
    const before = await store.roomHistory(room.id, 2, stored[10]!.id);
    expect(before.map((m) => m.text)).toEqual(["m8", "m9"]);
  });

  test("insertMessages() refuses a whole batch that names a missing sender, room or recipient", async () => {
    const store = get();
    const u = await store.createUser("Cleo", "h");
    const lobby = (await store.findRoom("#lobby"))!;
    const say = { kind: "public" as const, senderId: u.id, from: u.nick, roomId: lobby.id, room: lobby.name, text: "kept out" };
    const before = await store.countMessages();
    await expect(store.insertMessages([say, { ...say, senderId: 999_999 }])).rejects.toThrow("message 2 of the batch: sender 999999");
    await expect(store.insertMessages([{ ...say, roomId: 999_999 }, say])).rejects.toThrow("message 1 of the batch");
    const pm = { kind: "private" as const, senderId: u.id, from: u.nick, recipientId: 999_999, to: "ghost", text: "kept out" };
    await expect(store.insertMessages([say, say, pm])).rejects.toThrow("recipient 999999");
    expect(await store.countMessages()).toBe(before);
  });

  test("a client message id is stored with its message, per user, with or without mentions, and forgotten when old", async () => {
    const store = get();
    const a = await store.createUser("Cid", "h");
    const b = await store.createUser("Cody", "h");
    const lobby = (await store.findRoom("#lobby"))!;
    const say = (from: typeof a, text: string, cid?: string, named: (typeof a)[] = []) => ({
      kind: "public" as const, senderId: from.id, from: from.nick, roomId: lobby.id, room: lobby.name, text, cid,
      mentions: named.map((u) => ({ id: u.id, nick: u.nick })),
    });
    const stored = await store.insertMessages([say(a, "one", "c-1"), say(a, "plain"), say(b, "same id, other user", "c-1")]);
    expect(stored.map((m) => m.cid)).toEqual(["c-1", undefined, "c-1"]);
    const [named] = await store.insertMessages([say(a, "hi @Cody", "c-2", [b])]);
    expect(await store.messageByClientId(a.id, "c-1")).toMatchObject({ id: stored[0]!.id, text: "one", from: "Cid", room: "#lobby", cid: "c-1" });
    expect(await store.messageByClientId(b.id, "c-1")).toMatchObject({ id: stored[2]!.id, text: "same id, other user" });
    expect(await store.messageByClientId(a.id, "c-2")).toMatchObject({ id: named!.id, mentions: ["Cody"] });
    expect(await store.messageByClientId(a.id, "c-3")).toBeNull();
    expect(await store.forgetClientIds(new Date(Date.now() - 60_000))).toBe(0);
    expect(await store.forgetClientIds(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(3);
    expect(await store.messageByClientId(a.id, "c-1")).toBeNull();
  });

  test("keeps text exactly, including quotes, emoji and SQL", async () => {
    const store = get();
    const u = await store.createUser("Dani", "h");
    const lobby = (await store.findRoom("#lobby"))!;
    const text = `it's "fine" 🎉 \\ '); DROP TABLE users; --`;
    const [m] = await store.insertMessages([{ kind: "emote", senderId: u.id, from: u.nick, roomId: lobby.id, room: lobby.name, text }]);
    const [back] = await store.roomHistory(lobby.id, 1);
    expect(back).toEqual({ ...m!, at: back!.at });
    expect(back!.text).toBe(text);
    expect(back!.kind).toBe("emote");
  });

  test("conversation() returns both directions between two users only", async () => {
    const store = get();
    const a = await store.createUser("Eva", "h");
    const b = await store.createUser("Fede", "h");
    const c = await store.createUser("Gus", "h");
    const pm = (from: typeof a, to: typeof a, text: string) =>
      ({ kind: "private" as const, senderId: from.id, from: from.nick, recipientId: to.id, to: to.nick, text });
    await store.insertMessages([pm(a, b, "1"), pm(b, a, "2"), pm(a, c, "x"), pm(c, b, "y"), pm(a, b, "3")]);
    const conv = await store.conversation(b.id, a.id, 10);
    expect(conv.map((m) => `${m.from}>${m.to}:${m.text}`)).toEqual(["Eva>Fede:1", "Fede>Eva:2", "Eva>Fede:3"]);
    expect((await store.conversation(a.id, b.id, 2)).map((m) => m.text)).toEqual(["2", "3"]);

    // Unread: per conversation, past each one's own read marker.
    expect(await store.privateConversations(b.id, 10)).toEqual([
      { peer: { id: a.id, nick: "Eva" }, readId: 0, unread: 2 },
      { peer: { id: c.id, nick: "Gus" }, readId: 0, unread: 1 },
    ]);
    // The latest conversation with nothing unread is listed too, up to `recent`; an unread one always.
    expect(await store.privateConversations(a.id, 1)).toEqual([{ peer: { id: b.id, nick: "Fede" }, readId: 0, unread: 1 }]);
    expect(await store.privateConversations(c.id, 1)).toEqual([{ peer: { id: b.id, nick: "Fede" }, readId: 0, unread: 0 }, { peer: { id: a.id, nick: "Eva" }, readId: 0, unread: 1 }]);
    const unread = await store.unreadPrivateMessages(b.id, 10);
    expect([unread.total, unread.messages.map((m) => m.text)]).toEqual([3, ["1", "y", "3"]]);
    await store.markRead(b.id, { peerId: a.id }, conv[0]!.id);
    await store.markRead(b.id, { peerId: a.id }, 1); // never goes back
    expect(await store.readState(b.id, { peerId: a.id })).toEqual({ readId: conv[0]!.id, unread: 1, mentions: 0 });
    const limited = await store.unreadPrivateMessages(b.id, 1);
    expect([limited.total, limited.messages.map((m) => m.text)]).toEqual([2, ["3"]]);
    expect(await store.readState(b.id, { peerId: 999_999 })).toEqual({ readId: 0, unread: 0, mentions: 0 });
  });

  test("messagesSince() returns the room's and the user's private messages after an id", async () => {
    const store = get();
    const a = await store.createUser("Hana", "h");
    const b = await store.createUser("Ivo", "h");
    const c = await store.createUser("Jade", "h");
    const room = await store.ensureRoom("#since", a.id);
    const other = await store.ensureRoom("#elsewhere", a.id);
    const say = (r: typeof room, text: string) => ({ kind: "public" as const, senderId: c.id, from: c.nick, roomId: r.id, room: r.name, text });
    const pm = (from: typeof a, to: typeof a, text: string) =>
      ({ kind: "private" as const, senderId: from.id, from: from.nick, recipientId: to.id, to: to.nick, text });
    const [first] = await store.insertMessages([say(room, "old")]);
    await store.insertMessages([say(room, "r1"), say(other, "no"), pm(b, a, "to me"), pm(a, c, "from me"), pm(b, c, "not mine"), say(room, "r2")]);
    const since = await store.messagesSince(a.id, [room.id], first!.id, 100);
    expect(since.map((m) => m.text)).toEqual(["r1", "to me", "from me", "r2"]);
    expect((await store.messagesSince(a.id, [room.id], first!.id, 2)).map((m) => m.text)).toEqual(["from me", "r2"]);
    expect((await store.messagesSince(a.id, [room.id, other.id], first!.id, 100)).map((m) => m.text)).toEqual(["r1", "no", "to me", "from me", "r2"]);
  });

  test("searchMessages() finds every word, accents and case aside, in the user's rooms and own private messages, newest first", async () => {
    const store = get();
    const a = await store.createUser("Sofía", "h");
    const b = await store.createUser("Tomás", "h");
    const c = await store.createUser("Uma", "h");
    const mine = await store.ensureRoom("#buscar", a.id);
    const theirs = await store.ensureRoom("#ajena", b.id);
    await store.join(a.id, mine.id);
    const say = (r: typeof mine, text: string) => ({ kind: "public" as const, senderId: b.id, from: b.nick, roomId: r.id, room: r.name, text });
    const pm = (from: typeof a, to: typeof a, text: string) =>
      ({ kind: "private" as const, senderId: from.id, from: from.nick, recipientId: to.id, to: to.nick, text });
    await store.insertMessages([
      say(mine, "Quedamos en el CAFÉ de la esquina"),
      say(mine, "the cafeteria is closed"),
      say(theirs, "café in a room Sofía is not in"),
      pm(b, a, "el café de mañana\nen la biblioteca"),
      pm(b, c, "café between two others"),
      say(mine, "nada que ver"),
      pm(a, c, "Cafe con leche, por favor"),
    ]);
    const found = await store.searchMessages(a.id, "cafe", 10);
    expect(found.map((m) => m.text)).toEqual(["Cafe con leche, por favor", "el café de mañana\nen la biblioteca", "Quedamos en el CAFÉ de la esquina"]);
    expect((await store.searchMessages(a.id, "Café MAÑANA", 10)).map((m) => m.text)).toEqual(["el café de mañana\nen la biblioteca"]);
    expect((await store.searchMessages(a.id, "cafe", 1)).map((m) => m.text)).toEqual(["Cafe con leche, por favor"]);
    expect(await store.searchMessages(a.id, "nothing-like-this", 10)).toEqual([]);
    // Punctuation or SQL in the query is words, never syntax.
    expect(await store.searchMessages(a.id, "') OR 1=1 -- & | !", 10)).toEqual([]);
    expect(await store.searchMessages(a.id, "   ", 10)).toEqual([]);
  });

  test("searchMessages() finds a message the moment it is stored, and never one from a room the user is not in", async () => {
    const store = get();
    const a = await store.createUser("Vera", "h");
    const b = await store.createUser("Walo", "h");
    const mine = await store.ensureRoom("#recien", a.id);
    const theirs = await store.ensureRoom("#cerrada", b.id);
    await store.join(a.id, mine.id);
    await store.join(b.id, theirs.id);
    const say = (r: typeof mine, text: string) => ({ kind: "public" as const, senderId: b.id, from: b.nick, roomId: r.id, room: r.name, text });
    // Search is indexed after the commit (sql/009); right after it, the index may not have it yet.
    await store.insertMessages([say(theirs, "zafiro ajeno"), say(mine, "un zafiro recién guardado")]);
    expect((await store.searchMessages(a.id, "zafiro recien", 10)).map((m) => m.text)).toEqual(["un zafiro recién guardado"]);
    await store.insertMessages([say(theirs, "zafiro ajeno otra vez")]);
    expect((await store.searchMessages(a.id, "zafiro", 10)).map((m) => m.text)).toEqual(["un zafiro recién guardado"]);
    expect(await store.searchMessages(a.id, "ajeno", 10)).toEqual([]);
    expect((await store.searchMessages(b.id, "ajeno", 10)).map((m) => m.text)).toEqual(["zafiro ajeno otra vez", "zafiro ajeno"]);
  });
}
