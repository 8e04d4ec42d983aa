import { afterAll, beforeAll, expect, test } from "bun:test";
import { FakeClient, loggedIn, newHub, testStore } from "../../test/core-kit.ts";
import { searchTerms } from "./search.ts";
import type { Store } from "./store.ts";

// /search through the hub: what a user may find, and how a line and a frame ask alike.

let store: Store;
beforeAll(async () => (store = await testStore()), 60_000);
afterAll(() => store?.close());

const sent = async (c: FakeClient, text: string) => {
  await c.type(text);
  await c.next("message", (e) => e.message.text === text);
};

test("/search finds the user's rooms and own private messages, accents aside, newest first; not other rooms or others' private ones", async () => {
  const hub = newHub(store);
  const [ana, beto, caro] = [await loggedIn(hub, "s_ana"), await loggedIn(hub, "s_beto"), await loggedIn(hub, "s_caro")];
  await beto.type("/join #s-secret");
  await sent(beto, "the café in the secret room");
  await sent(ana, "Meet at the CAFÉ at noon");
  await caro.type("!s_beto café for two, not for ana");
  await caro.next("message", (e) => e.message.text === "café for two, not for ana");
  await caro.type("!s_ana a cafe near you");
  await ana.next("message", (e) => e.message.text === "a cafe near you");

  await ana.type("/search cafe");
  const found = await ana.next("search");
  expect(found.messages.map((m) => m.text)).toEqual(["a cafe near you", "Meet at the CAFÉ at noon"]);
  expect(found.terms).toEqual(["cafe"]);
  // The same from a frame, in Spanish words too.
  await ana.frame({ type: "search", query: "Café  NOON" });
  const again = await ana.next("search", (e) => e.query === "Café  NOON");
  expect(again.messages.map((m) => m.text)).toEqual(["Meet at the CAFÉ at noon"]);
  expect(again.terms).toEqual(["cafe", "noon"]);
  await ana.type("/buscar zzzz-nothing");
  expect((await ana.next("search", (e) => e.query === "zzzz-nothing")).messages).toEqual([]);
});

test("/search without words is a usage error, and a very long query is refused", async () => {
  const hub = newHub(store);
  const c = await loggedIn(hub, "s_dora");
  await c.type("/search");
  expect(c.errors.at(-1)).toBe("Usage: /search <words>");
  await c.type(`/search ${"word ".repeat(50)}`);
  expect(c.errors.at(-1)).toBe("Search is too long (200 characters at most)");
});

test("search terms are the query's words, folded as the store folds them", () => {
  expect(searchTerms("Café, MAÑANA! cafe")).toEqual(["cafe", "manana"]);
  expect(searchTerms("') OR 1=1 --")).toEqual(["or", "1"]);
});
