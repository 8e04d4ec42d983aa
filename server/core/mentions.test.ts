import { expect, test } from "bun:test";
import { mentionCandidates, MentionResolver } from "./mentions.ts";
import type { NewMessage } from "./types.ts";

test("@nick anywhere and nick: or nick, at the start name someone, folded as nicks are", () => {
  expect(mentionCandidates("hello @Ana and @beto.")).toEqual(["ana", "beto.", "beto"]);
  expect(mentionCandidates("Caro: look")).toEqual(["caro"]);
  expect(mentionCandidates("dani, come here")).toEqual(["dani"]);
  expect(mentionCandidates("@José ¿vienes?")).toEqual(["josé"]);
});

test("nothing else names anyone: addresses, URLs, a colon mid-sentence", () => {
  for (const text of ["mail me at ana@example.com", "https://example.com/x", "we met at 10:30", "plain text", "note:nothing", "@"]) {
    expect(mentionCandidates(text)).toEqual([]);
  }
});

test("the resolver names existing accounts other than the sender, asking the store once per unknown nick", async () => {
  const asked: string[][] = [];
  const accounts = new Map([["ana", { id: 1, nick: "Ana" }], ["beto", { id: 2, nick: "beto" }]]);
  const resolver = new MentionResolver(async (keys) => {
    asked.push(keys);
    return keys.flatMap((k) => (accounts.has(k) ? [accounts.get(k)!] : []));
  });
  const msg = (text: string, senderId = 3): NewMessage => ({ kind: "public", senderId, from: "x", roomId: 1, room: "#r", text });
  const batch = [msg("@ana @ANA and @ghost"), msg("beto: hi", 2), msg("no one"), { ...msg("@ana"), roomId: undefined, recipientId: 1 }];
  await resolver.resolve(batch);
  expect(batch.map((m) => m.mentions)).toEqual([[{ id: 1, nick: "Ana" }], undefined, undefined, undefined]);
  expect(asked).toEqual([["ana", "ghost", "beto"]]);
  await resolver.resolve([msg("@ana again, @ghost")]);
  expect(asked.at(-1)).toEqual(["ghost"]);
});
