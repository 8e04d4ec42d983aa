import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import type { Store } from "./store.ts";

// What a terminal's Tab may complete, and the terminal settings kept with the account.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

describe("completion", () => {
  test("commands by any of their names, the user's own rooms, and nicks online", async () => {
    const hub = newHub(store);
    const ana = await loggedIn(hub, "c_ana");
    await loggedIn(hub, "c_anabel");
    await ana.type("/join #c_dev");
    await ana.next("room", (e) => e.room === "#c_dev");
    expect(hub.complete(ana.session, "jo", true)).toEqual(["join"]);
    expect(hub.complete(ana.session, "UNI", true)).toEqual(["unirse"]);
    expect(hub.complete(ana.session, "#c_", false)).toEqual(["#c_dev"]);
    expect(hub.complete(ana.session, "C_ANA", false)).toEqual(["c_ana", "c_anabel"]);
    // Hidden commands (login, resume) are not offered.
    expect(hub.complete(ana.session, "log", true)).toEqual([]);
  });

  test("before login only commands complete", async () => {
    const hub = newHub(store);
    await loggedIn(hub, "c_beto");
    const stranger = new FakeClient(hub);
    expect(hub.complete(stranger.session, "c_", false)).toEqual([]);
    expect(hub.complete(stranger.session, "he", true)).toEqual(["help"]);
  });
});

describe("terminal settings", () => {
  test("/set editor, color and bell are stored with the account and shown by /set", async () => {
    const hub = newHub(store);
    const caro = await loggedIn(hub, "c_caro");
    await caro.type("/set editor off");
    await caro.type("/set color on");
    await caro.type("/set BELL off");
    expect(caro.of("settings").at(-1)!.settings).toMatchObject({ editor: false, color: true, bell: false });
    expect((await store.findUser("c_caro"))!.settings).toMatchObject({ editor: false, color: true, bell: false });
    await caro.type("/set color maybe");
    expect(caro.errors.at(-1)).toBe("Usage: /set color on|off");
  });
});
