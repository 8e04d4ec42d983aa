import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DELETED_NICK, NickTakenError, type Store } from "../core/store.ts";
import { roomStoreTests } from "./room-store.suite.ts";

/**
 * One suite that every Store driver must pass; each driver's test file just calls it. `skip`
 * (from test/needs.ts) reports the whole suite as skipped when its server is not installed.
 */
export function runStoreSuite(name: string, open: () => Promise<Store>, cleanup?: () => Promise<void>, skip = false) {
  describe.skipIf(skip)(`${name} store`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
      await store.migrate();
    });
    afterAll(async () => {
      await store?.close();
      await cleanup?.();
    });

    test("migrate() is idempotent", async () => {
      expect(await store.migrate()).toBe(0);
    });

    test("createUser() makes an account found case-insensitively", async () => {
      const u = await store.createUser("Ana", "hash1");
      expect(u.nick).toBe("Ana");
      expect(u.status).toBe("available");
      expect(u.settings).toEqual({});
      const found = await store.findUser("aNA");
      expect(found?.id).toBe(u.id);
      expect(found?.passwordHash).toBe("hash1");
      expect(await store.findUser("nobody")).toBeNull();
    });

    test("createUser() refuses a nick that differs only in case", async () => {
      await store.createUser("Ñandú", "h");
      await expect(store.createUser("ñANDÚ", "h")).rejects.toBeInstanceOf(NickTakenError);
    });

    test("createUser() with a skeleton refuses a look-alike and names the account it looks like", async () => {
      await store.createUser("Skel", "h", "skel-key");
      const e = await store.createUser("Sk3l", "h", "skel-key").catch((err) => err);
      expect(e).toBeInstanceOf(NickTakenError);
      expect(e.lookalike).toBe("Skel");
      expect(await store.findBySkeleton("skel-key")).toMatchObject({ nick: "Skel" });
      expect(await store.findBySkeleton("none")).toBeNull();
    });

    test("fillSkeletons() gives older accounts theirs, the first of a look-alike group only", async () => {
      const a = await store.createUser("Olda", "h");
      const b = await store.createUser("OLDA2", "h");
      const skeleton = (nick: string) => (nick.toLowerCase().startsWith("olda") ? "olda-skel" : `s:${nick.toLowerCase()}`);
      await store.fillSkeletons(skeleton);
      expect((await store.findBySkeleton("olda-skel"))?.id).toBe(a.id);
      expect(b.id).toBeGreaterThan(a.id);
      // The later look-alike keeps none, and goes on working; a second pass changes nothing.
      expect(await store.fillSkeletons(skeleton)).toBe(0);
      expect((await store.findUser("olda2"))?.id).toBe(b.id);
    });

    test("failed logins are counted, then taken back to zero; accounts are listed by pattern with their messages", async () => {
      const u = await store.createUser("Guarded", "h");
      await store.addFailedLogin(u.id);
      await store.addFailedLogin(u.id);
      expect(await store.takeFailedLogins(u.id)).toBe(2);
      expect(await store.takeFailedLogins(u.id)).toBe(0);
      const listed = await store.listAccounts("uard", 10);
      expect(listed).toEqual([{ id: u.id, nick: "Guarded", createdAt: expect.any(Date), lastSeen: null, messages: 0 }]);
      expect(await store.listAccounts("_", 10)).toEqual([]);
    });

    test("renameUser() moves the nick (refusing a taken one); deleteUser() keeps messages from [deleted], or purges them", async () => {
      const a = await store.createUser("Renamed", "h", "renamed");
      const b = await store.createUser("Taker", "h", "taker");
      await expect(store.renameUser(a.id, "taker", "x")).rejects.toBeInstanceOf(NickTakenError);
      await expect(store.renameUser(a.id, "other", "taker")).rejects.toBeInstanceOf(NickTakenError);
      await store.renameUser(a.id, "Newname", "newname");
      expect((await store.findUser("newname"))?.id).toBe(a.id);
      expect(await store.findUser("renamed")).toBeNull();
      const lobby = (await store.findRoom("#lobby"))!;
      const [kept] = await store.insertMessages([{ kind: "public", senderId: a.id, from: "Newname", roomId: lobby.id, room: "#lobby", text: "stays" }]);
      const [gone] = await store.insertMessages([{ kind: "private", senderId: a.id, from: "Newname", recipientId: b.id, to: "Taker", text: "goes" }]);
      await store.deleteUser(a.id, false);
      expect(await store.findUser("newname")).toBeNull();
      const history = await store.roomHistory(lobby.id, 1000);
      expect(history.find((m) => m.id === kept!.id)?.from).toBe(DELETED_NICK);
      await store.deleteUser(b.id, true);
      expect(await store.findUser("taker")).toBeNull();
      expect((await store.roomHistory(lobby.id, 1000)).some((m) => m.id === gone!.id)).toBe(false);
    });

    test("a room's topic is kept", async () => {
      const room = await store.ensureRoom("#topical", null);
      expect(await store.roomTopic(room.id)).toBe("");
      await store.setTopic(room.id, "all about topics");
      expect(await store.roomTopic(room.id)).toBe("all about topics");
      // The room list carries it too, for an app to show under the room's name.
      expect((await store.listRooms()).find((r) => r.room.id === room.id)?.topic).toBe("all about topics");
    });

    test("setPassword(), setStatus(), setSettings() and markSeen() persist; findUsers() finds folded nicks", async () => {
      const u = await store.createUser("Beto", "old");
      await store.setPassword(u.id, "new");
      await store.setStatus(u.id, "busy", "in a meeting");
      await store.setSettings(u.id, { lang: "es", langOffered: true });
      await store.markSeen(u.id);
      const again = (await store.findUser("beto"))!;
      expect(again.passwordHash).toBe("new");
      expect(again.status).toBe("busy");
      expect(again.statusNote).toBe("in a meeting");
      expect(again.settings).toEqual({ lang: "es", langOffered: true });
      expect(again.lastSeen).toBeInstanceOf(Date);
      expect(await store.findUsers(["beto", "nobody", "ana"])).toEqual(expect.arrayContaining([{ id: u.id, nick: "Beto" }, { id: expect.any(Number), nick: "Ana" }]));
      expect(await store.findUsers([])).toEqual([]);
    });

    test("ensureRoom() creates once and returns the existing room after", async () => {
      const lobby = await store.findRoom("#LOBBY");
      expect(lobby?.name).toBe("#lobby");
      const a = await store.ensureRoom("#Dev", null);
      const b = await store.ensureRoom("#dev", null);
      expect(b.id).toBe(a.id);
      expect(b.name).toBe("#Dev");
      expect((await store.listRooms()).map((r) => r.room.name)).toEqual(expect.arrayContaining(["#lobby", "#Dev"]));
    });

    test("insertMessages() stores a batch with rising ids in order", async () => {
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

    test("revokeToken() ends a token until its expiry; expired ones are forgotten", async () => {
      expect(await store.tokenRevoked("digest-a")).toBe(false);
      await store.revokeToken("digest-a", new Date(Date.now() + 3600_000));
      await store.revokeToken("digest-a", new Date(Date.now() + 3600_000));
      await store.revokeToken("digest-old", new Date(Date.now() - 1000));
      expect(await store.tokenRevoked("digest-a")).toBe(true);
      await store.revokeToken("digest-b", new Date(Date.now() + 3600_000));
      expect(await store.tokenRevoked("digest-old")).toBe(false);
      expect(await store.tokenRevoked("digest-b")).toBe(true);
    });

    test("memberships: join (with what is there read), unread and mention counts past the marker, leave", async () => {
      const a = await store.createUser("Kai", "h");
      const b = await store.createUser("Lia", "h");
      const room = await store.ensureRoom("#members", a.id);
      const say = (from: typeof a, text: string, named: (typeof a)[] = []) =>
        ({ kind: "public" as const, senderId: from.id, from: from.nick, roomId: room.id, room: room.name, text, mentions: named.map((u) => ({ id: u.id, nick: u.nick })) });
      const [before] = await store.insertMessages([say(b, "before a joined")]);
      expect(await store.join(a.id, room.id)).toBe(true);
      expect(await store.join(a.id, room.id)).toBe(false);
      expect(await store.join(b.id, room.id)).toBe(true);
      const stored = await store.insertMessages([say(b, "hi @Kai", [a]), say(a, "mine"), say(b, "plain"), say(b, "Kai: again", [a])]);
      expect(stored.map((m) => m.mentions)).toEqual([["Kai"], undefined, undefined, ["Kai"]]);
      expect((await store.roomHistory(room.id, 4)).map((m) => m.mentions)).toEqual([["Kai"], undefined, undefined, ["Kai"]]);
      const mine = (await store.memberships(a.id)).find((m) => m.room.id === room.id);
      // Its own message is not unread; what was there at the join is read.
      expect(mine).toEqual({ room: { id: room.id, name: "#members" }, readId: before!.id, unread: 3, mentions: 2 });
      await store.markRead(a.id, { roomId: room.id }, stored[1]!.id);
      expect(await store.readState(a.id, { roomId: room.id })).toEqual({ readId: stored[1]!.id, unread: 2, mentions: 1 });
      expect((await store.listRooms()).find((r) => r.room.id === room.id)?.members).toBe(2);
      expect(await store.leave(a.id, room.id)).toBe(true);
      expect(await store.leave(a.id, room.id)).toBe(false);
      expect((await store.memberships(a.id)).map((m) => m.room.name)).not.toContain("#members");
      expect(await store.readState(a.id, { roomId: room.id })).toEqual({ readId: 0, unread: 0, mentions: 0 });
    });

    test("profile() counts messages sent", async () => {
      const p = await store.profile("eva");
      expect(p?.user.nick).toBe("Eva");
      expect(p?.messagesSent).toBe(3);
      expect(await store.profile("nobody")).toBeNull();
    });

    test("addBan() holds until its time or until removeBan(), whatever the nick's case", async () => {
      const now = new Date("2030-01-01T00:00:00Z");
      const later = new Date("2030-01-02T00:00:00Z");
      await store.addBan({ nick: "Hugo", until: later, reason: "spam", createdBy: "admin" });
      await store.addBan({ nick: "Ines", until: null, reason: "", createdBy: "admin" });
      await store.addBan({ nick: "Juan", until: new Date("2000-01-01T00:00:00Z"), reason: "old", createdBy: "admin" });
      const hugo = await store.activeBan("HUGO", now);
      expect(hugo).toMatchObject({ nick: "Hugo", until: later, reason: "spam", createdBy: "admin" });
      expect(await store.activeBan("hugo", new Date("2030-01-03T00:00:00Z"))).toBeNull();
      expect(await store.activeBan("juan", now)).toBeNull();
      expect((await store.listBans(now)).map((b) => `${b.nick}:${b.until?.toISOString() ?? "forever"}`))
        .toEqual(["Hugo:2030-01-02T00:00:00.000Z", "Ines:forever"]);

      await store.addBan({ nick: "hugo", until: null, reason: "again", createdBy: "ops" });
      expect(await store.activeBan("Hugo", now)).toMatchObject({ nick: "hugo", until: null, reason: "again", createdBy: "ops" });
      expect(await store.removeBan("HUGO")).toBe(true);
      expect(await store.removeBan("hugo")).toBe(false);
      expect(await store.removeBan("juan")).toBe(false);
      expect((await store.listBans(now)).map((b) => b.nick)).toEqual(["Ines"]);
    });

    test("setSetting() stores, replaces and clears a value", async () => {
      expect(await store.getSetting("motd")).toBeNull();
      await store.setSetting("motd", "one");
      await store.setSetting("motd", "two");
      expect(await store.getSetting("motd")).toBe("two");
      await store.setSetting("motd", null);
      expect(await store.getSetting("motd")).toBeNull();
    });

    test("countMessages() and ping() answer", async () => {
      expect(await store.countMessages()).toBeGreaterThan(1200);
      await store.ping();
    });

    roomStoreTests(() => store);
  });
}
