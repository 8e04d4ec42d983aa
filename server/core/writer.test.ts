import { describe, expect, test } from "bun:test";
import type { ChatMessage, NewMessage } from "./types.ts";
import { MessageWriter } from "./writer.ts";

const draft = (text: string): NewMessage => ({ kind: "public", senderId: 1, from: "ana", roomId: 1, room: "#lobby", text });

/** A fake store: records each insert call, gives ids from 1, and lets a test hold or fail a batch. */
function fakeStore() {
  const batches: string[][] = [];
  const delivered: ChatMessage[] = [];
  const gates: { open(): void; fail(e: Error): void }[] = [];
  let nextId = 1;
  let holding = false;
  const insert = async (batch: NewMessage[]): Promise<ChatMessage[]> => {
    batches.push(batch.map((m) => m.text));
    if (holding) {
      await new Promise<void>((resolve, reject) => gates.push({ open: resolve, fail: reject }));
    }
    return batch.map((m) => ({ id: nextId++, kind: m.kind, from: m.from, room: m.room, text: m.text, at: new Date(0) }));
  };
  const writer = new MessageWriter(insert, (m) => delivered.push(m));
  return { writer, batches, delivered, gates, hold: (on: boolean) => (holding = on) };
}

describe("MessageWriter", () => {
  test("messages submitted in the same tick go to the store in one insert call", async () => {
    const { writer, batches } = fakeStore();
    const sent = ["a", "b", "c"].map((t) => writer.submit(draft(t)));
    expect(writer.pending).toBe(3);
    await Promise.all(sent);
    expect(batches).toEqual([["a", "b", "c"]]);
    expect(writer.pending).toBe(0);
  });

  test("messages submitted a few microtasks apart, as from two sockets read in one turn, share a batch", async () => {
    const { writer, batches } = fakeStore();
    const first = writer.submit(draft("a"));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    await Promise.all([first, writer.submit(draft("b"))]);
    expect(batches).toEqual([["a", "b"]]);
  });

  test("each submit resolves with its own stored message", async () => {
    const { writer } = fakeStore();
    const [a, b] = await Promise.all([writer.submit(draft("a")), writer.submit(draft("b"))]);
    expect([a.id, a.text, b.id, b.text]).toEqual([1, "a", 2, "b"]);
  });

  test("messages arriving while a batch is stored wait and go together in the next one", async () => {
    const { writer, batches, delivered, gates, hold } = fakeStore();
    hold(true);
    const first = writer.submit(draft("1"));
    await Bun.sleep(1);
    expect(batches).toEqual([["1"]]);
    const later = [writer.submit(draft("2")), writer.submit(draft("3"))];
    await Bun.sleep(1);
    expect(batches).toEqual([["1"]]);
    expect(delivered).toEqual([]);
    hold(false);
    gates[0]!.open();
    await Promise.all([first, ...later]);
    expect(batches).toEqual([["1"], ["2", "3"]]);
  });

  test("delivers in submit order with rising ids, before the submit resolves", async () => {
    const { writer, delivered } = fakeStore();
    const order: string[] = [];
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) all.push(writer.submit(draft(`m${i}`)).then((m) => order.push(`resolved ${m.id} after ${delivered.length} delivered`)));
    await Bun.sleep(0);
    for (let i = 5; i < 10; i++) all.push(writer.submit(draft(`m${i}`)));
    await Promise.all(all);
    expect(delivered.map((m) => m.text)).toEqual(["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"]);
    expect(delivered.map((m) => m.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(order[0]).toBe("resolved 1 after 5 delivered");
  });

  test("a failing insert rejects only its own batch; the next batch is stored and delivered", async () => {
    const { writer, batches, delivered, gates, hold } = fakeStore();
    hold(true);
    const doomed = [writer.submit(draft("x")), writer.submit(draft("y"))].map((p) => p.then(() => "stored", (e: Error) => e.message));
    await Bun.sleep(1);
    const survivor = writer.submit(draft("z"));
    hold(false);
    gates[0]!.fail(new Error("disk full"));
    expect(await Promise.all(doomed)).toEqual(["disk full", "disk full"]);
    expect((await survivor).text).toBe("z");
    expect(batches).toEqual([["x", "y"], ["z"]]);
    expect(delivered.map((m) => m.text)).toEqual(["z"]);
    expect((await writer.submit(draft("after"))).text).toBe("after");
  });

  test("drain() resolves once everything submitted so far is stored and delivered", async () => {
    const { writer, delivered, gates, hold } = fakeStore();
    await writer.drain();
    hold(true);
    const first = writer.submit(draft("a"));
    await Bun.sleep(1);
    void writer.submit(draft("b"));
    let drained = false;
    const draining = writer.drain().then(() => (drained = true));
    await Bun.sleep(1);
    expect(drained).toBe(false);
    gates[0]!.open();
    await first;
    await Bun.sleep(1);
    gates[1]!.open();
    await draining;
    expect(delivered.map((m) => m.text)).toEqual(["a", "b"]);
    expect(writer.pending).toBe(0);
  });

  // A recipient whose sink throws must not wedge the writer: today flush() rejects unhandled,
  // `flushing` is never reset, and every later submit() waits forever.
  test("a delivery that throws does not stall later messages", async () => {
    let n = 0;
    const writer = new MessageWriter(
      async (batch) => batch.map((m) => ({ id: ++n, kind: m.kind, from: m.from, text: m.text, at: new Date(0) })),
      (m) => {
        if (m.text === "boom") throw new Error("a socket blew up");
      },
    );
    await writer.submit(draft("boom")).catch(() => {});
    const next = await Promise.race([writer.submit(draft("fine")), Bun.sleep(500).then(() => null)]);
    expect(next?.text).toBe("fine");
  });

  test("a batch refused for one message (its room deleted a moment before) stores the others, each alone, in order", async () => {
    const batches: string[][] = [];
    const delivered: string[] = [];
    let n = 0;
    const gone = new Error("room deleted");
    const writer = new MessageWriter(
      async (batch) => {
        batches.push(batch.map((m) => m.text));
        if (batch.some((m) => m.text === "to the deleted room")) throw gone;
        return batch.map((m) => ({ id: ++n, kind: m.kind, from: m.from, text: m.text, at: new Date(0) }));
      },
      (m) => delivered.push(m.text),
      () => {},
      (e) => e === gone,
    );
    const sent = ["before", "to the deleted room", "after"].map((t) => writer.submit(draft(t)).then((m) => m.id, (e) => e));
    expect(await Promise.all(sent)).toEqual([1, gone, 2]);
    expect(batches).toEqual([["before", "to the deleted room", "after"], ["before"], ["to the deleted room"], ["after"]]);
    expect(delivered).toEqual(["before", "after"]);
  });
});
