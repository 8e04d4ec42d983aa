import { expect, test } from "bun:test";
import type { NewMessage } from "../core/types.ts";
import { carriedMessages, storedBatch, WAKE_MESSAGES_BYTES } from "./wake.ts";

// The wake-up's payload as the store writes it (the JSON PostgreSQL builds around the messages) and
// as each node reads it back.

const wake = (first: number, last: number, m: string | null) =>
  JSON.stringify({ from: "node a", first, last, at: "2026-12-02T13:00:00.5+00:00", m: m === null ? null : JSON.parse(m) });

test("a batch's messages come back as the node that stored them sent them, with their ids and time", () => {
  const batch: NewMessage[] = [
    { kind: "public", senderId: 3, from: "ana", roomId: 7, room: "#dev", text: "hola @beto", mentions: [{ id: 4, nick: "beto" }] },
    { kind: "private", senderId: 4, from: "beto", recipientId: 3, to: "ana", text: "psst", cid: "not carried" },
  ];
  const back = storedBatch(wake(41, 42, carriedMessages("node a", batch)))!;
  expect(back).toMatchObject({ from: "node a", first: 41, last: 42 });
  const at = new Date("2026-12-02T13:00:00.500Z");
  expect(back.messages).toEqual([
    {
      message: { id: 41, kind: "public", from: "ana", room: "#dev", text: "hola @beto", at, mentions: ["beto"] },
      sent: { kind: "public", senderId: 3, from: "ana", roomId: 7, room: "#dev", text: "hola @beto", mentions: [{ id: 0, nick: "beto" }] },
    },
    {
      message: { id: 42, kind: "private", from: "beto", to: "ana", text: "psst", at },
      sent: { kind: "private", senderId: 4, from: "beto", recipientId: 3, to: "ana", text: "psst" },
    },
  ]);
});

test("a batch too big for NOTIFY goes without its messages, and so does one whose ids are not one after another", () => {
  const text = '"'.repeat(WAKE_MESSAGES_BYTES / 2);
  expect(carriedMessages("n", [{ kind: "public", senderId: 1, from: "ana", roomId: 1, room: "#a", text }])).toBeNull();
  const one = carriedMessages("n", [{ kind: "public", senderId: 1, from: "ana", roomId: 1, room: "#a", text: "x" }]);
  expect(storedBatch(wake(5, 9, one))).toEqual({ from: "node a", first: 5, last: 9 });
  expect(storedBatch(wake(5, 5, null))).toEqual({ from: "node a", first: 5, last: 5 });
});

test("an older node's wake-up (no messages, before they travelled) is a batch to read; a payload that is none is none", () => {
  expect(storedBatch("node a 5 9")).toEqual({ from: "node a", first: 5, last: 9 });
  expect(storedBatch('{"first":1}')).toBeNull();
  expect(storedBatch("node a 5")).toBeNull();
});
