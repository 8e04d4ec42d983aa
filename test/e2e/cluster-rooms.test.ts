import { describe, expect, test } from "bun:test";
import { lacks } from "../needs.ts";
import { clusterFixture } from "./cluster-kit.ts";

// `chat admin room delete` on one node of a cluster: the room's members on the other node are
// told and moved out too (the room_deleted control event, over PostgreSQL), and no node lists it.
describe.skipIf(lacks("postgres"))("a room deleted on one node of two", () => {
  const fx = clusterFixture();

  test("its members on the other node are told and moved out, and neither node lists it", async () => {
    const here = await fx.terminal(0, "rd_here");
    const there = await fx.terminal(1, "rd_there");
    here.send("/join #rd-room");
    await here.waitFor(/You joined #rd-room/);
    there.send("/join #rd-room");
    await there.waitFor(/You joined #rd-room/);
    // Node a has heard that rd_there is in the room: it counts them online.
    await here.waitFor(/rd_there joined #rd-room/, { timeout: 20000 });
    const [a, b] = fx.nodes.map((n) => n.server.hub.operator);
    expect((await a!.rooms.list("rd-room"))[0]).toMatchObject({ members: 2, online: 2 });

    const from = there.lines.length;
    expect(await a!.rooms.remove("#rd-room")).toMatchObject({ room: "#rd-room", members: 2 });
    await here.waitFor(/^\*\*\* The operator deleted #rd-room; you are no longer in it$/);
    await there.waitFor(/^\*\*\* The operator deleted #rd-room; you are no longer in it$/, { from, timeout: 20000 });
    await there.waitFor(/^--- Recent messages in #lobby/, { from });
    expect(await b!.rooms.list("rd-room")).toEqual([]);
    there.send("/history #rd-room");
    await there.waitFor(/^\*\*\* Error: No room named #rd-room$/, { from });
  });
});
