import { expect, test } from "bun:test";
import { DanglingReferenceError, type Store } from "../core/store.ts";
import type { NewMessage, Room, User } from "../core/types.ts";

/**
 * The operator's room tools, part of the shared store suite (store.suite.ts calls it last, since
 * pruning removes every long-empty room the earlier tests left).
 */
export function roomStoreTests(store: () => Store) {
  const say = (from: User, room: Room, text: string, extra: Partial<NewMessage> = {}): NewMessage =>
    ({ kind: "public", senderId: from.id, from: from.nick, roomId: room.id, room: room.name, text, ...extra });

  test("roomStats() lists rooms by pattern with members, messages, topic and last activity", async () => {
    const s = store();
    const a = await s.createUser("Statia", "h");
    const b = await s.createUser("Statib", "h");
    const room = await s.ensureRoom("#Stats_Room", a.id);
    await s.ensureRoom("#statsXroom", null);
    await s.join(a.id, room.id);
    await s.join(b.id, room.id);
    await s.setTopic(room.id, "numbers");
    const stored = await s.insertMessages([say(a, room, "one"), say(b, room, "two"), say(a, room, "three")]);
    // "_" is a letter here, not LIKE's any-character.
    const [listed, ...rest] = await s.roomStats("s_room", 10);
    expect(rest).toEqual([]);
    expect(listed).toEqual({
      room: { id: room.id, name: "#Stats_Room" }, topic: "numbers", createdAt: expect.any(Date), members: 2, messages: 3, lastActivity: expect.any(Date),
    });
    expect(listed!.lastActivity.getTime()).toBeGreaterThanOrEqual(stored[2]!.at.getTime());
    expect((await s.roomStats("STATS", 10)).map((r) => r.room.name)).toEqual(["#Stats_Room", "#statsXroom"]);
    expect((await s.roomStats("stats", 1)).map((r) => r.room.name)).toEqual(["#Stats_Room"]);
  });

  test("deleteRoom() removes the room, its memberships, messages, mentions and client ids, and nothing else", async () => {
    const s = store();
    const a = await s.createUser("Dela", "h");
    const b = await s.createUser("Delb", "h");
    const doomed = await s.ensureRoom("#doomed", a.id);
    const other = await s.ensureRoom("#survivor", a.id);
    for (const r of [doomed, other]) for (const u of [a, b]) await s.join(u.id, r.id);
    const [gone] = await s.insertMessages([say(a, doomed, "hi @Delb", { cid: "d-1", mentions: [{ id: b.id, nick: "Delb" }] })]);
    const [kept] = await s.insertMessages([say(a, other, "hi @Delb", { cid: "d-2", mentions: [{ id: b.id, nick: "Delb" }] })]);
    const before = await s.countMessages();
    await s.deleteRoom(doomed.id);
    expect(await s.findRoom("#doomed")).toBeNull();
    // A message to it from a moment before (another node's) is refused with a reason the writer knows.
    await expect(s.insertMessages([say(b, other, "fine"), say(a, doomed, "too late")])).rejects.toBeInstanceOf(DanglingReferenceError);
    expect((await s.listRooms()).map((r) => r.room.name)).not.toContain("#doomed");
    expect((await s.memberships(b.id)).map((m) => m.room.name)).toEqual(["#survivor"]);
    expect(await s.countMessages()).toBe(before - 1);
    expect(await s.messageByClientId(a.id, "d-1")).toBeNull();
    expect(await s.messageByClientId(a.id, "d-2")).toMatchObject({ id: kept!.id });
    expect(await s.searchMessages(b.id, "Delb", 10)).toEqual([expect.objectContaining({ id: kept!.id })]);
    expect(gone!.id).toBeLessThan(kept!.id);
    // The other room's mention still counts as unread for b.
    expect(await s.readState(b.id, { roomId: other.id })).toMatchObject({ mentions: 1 });
    // The name is free again: a new room of that name starts empty.
    const again = await s.ensureRoom("#doomed", b.id);
    expect(again.id).not.toBe(doomed.id);
    expect(await s.roomHistory(again.id, 10)).toEqual([]);
  });

  test("pruneRooms() removes rooms with no members, made and silent since a time, but not the kept one", async () => {
    const s = store();
    const a = await s.createUser("Pruna", "h");
    const idle = await s.ensureRoom("#idle", null);
    const member = await s.ensureRoom("#belonged", null);
    await s.join(a.id, member.id);
    const talked = await s.ensureRoom("#talked", a.id);
    // A message stored after the room was made (in milliseconds, the Date's precision).
    let message;
    do [message] = await s.insertMessages([say(a, talked, "still here")]);
    while (message!.at.getTime() <= talked.createdAt.getTime());
    const pruned = (await s.pruneRooms(message!.at, "#LOBBY")).map((r) => r.name);
    expect(pruned).toContain("#idle");
    expect(pruned).not.toContain("#talked");
    expect(pruned).not.toContain("#belonged");
    expect(pruned).not.toContain("#lobby");
    expect(await s.findRoom("#idle")).toBeNull();
    expect(idle.id).toBeGreaterThan(0);
    // Later, with nothing said since, the silent room goes too, with its messages.
    const later = new Date(message!.at.getTime() + 86_400_000);
    expect((await s.pruneRooms(later, "#lobby")).map((r) => r.name)).toEqual(["#talked"]);
    expect(await s.roomHistory(talked.id, 10)).toEqual([]);
    expect(await s.findRoom("#belonged")).not.toBeNull();
    expect(await s.findRoom("#lobby")).not.toBeNull();
  });
}
