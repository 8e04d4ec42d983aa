import { describe, expect, test } from "bun:test";
import { Unsent, UNSENT_MAX } from "./unsent.ts";

const ids = () => {
  let n = 0;
  return () => `c${++n}`;
};

describe("chat connect's unsent messages", () => {
  test("a message is kept with its id until the server stores it; a command is sent once and not kept", () => {
    const unsent = new Unsent(ids());
    expect(unsent.frame("hola").frame).toEqual({ type: "line", text: "hola", cid: "c1" });
    expect(unsent.frame("/me waves").frame).toEqual({ type: "line", text: "/me waves", cid: "c2" });
    expect(unsent.frame("/join #dev").frame).toEqual({ type: "line", text: "/join #dev" });
    expect(unsent.again().map((f) => "cid" in f && f.cid)).toEqual(["c1", "c2"]);
    unsent.settled("c1");
    expect(unsent.again()).toEqual([{ type: "line", text: "/me waves", cid: "c2" }]);
  });

  test("refused while the database is away it waits to go again, with the same id; refused for good it is dropped", () => {
    const unsent = new Unsent(ids());
    unsent.frame("during the outage");
    unsent.frame(" ");
    unsent.settled("c1", "not_sent_store_down");
    unsent.settled("c2", "nothing_to_send");
    expect(unsent.again()).toEqual([{ type: "line", text: "during the outage", cid: "c1" }]);
  });

  test("it holds a bounded number, and says when the oldest had to go", () => {
    const unsent = new Unsent(ids());
    for (let i = 0; i < UNSENT_MAX; i++) expect(unsent.frame(`m${i}`).dropped).toBe(false);
    expect(unsent.frame("one more").dropped).toBe(true);
    expect(unsent.size).toBe(UNSENT_MAX);
    expect(unsent.again()[0]).toMatchObject({ text: "m1" });
  });
});
