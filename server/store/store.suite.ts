import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DELETED_NICK, NickTakenError, type Store } from "../core/store.ts";
import { messageStoreTests } from "./message-store.suite.ts";
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

    messageStoreTests(() => store);

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
