import { expect, test } from "bun:test";
import { createRegistry } from "../../core/commands/index.ts";
import { LANGS } from "../../core/types.ts";
import { CATALOGUES } from "./index.ts";

// TypeScript already refuses a catalogue that lacks a notice or a phrase; this checks the rest.

test("every language says every notice and phrase the other does, with words", () => {
  const [first, ...others] = LANGS.map((l) => CATALOGUES[l]);
  for (const c of others) {
    expect(Object.keys(c.notices).sort()).toEqual(Object.keys(first!.notices).sort());
    expect(Object.keys(c.text).sort()).toEqual(Object.keys(first!.text).sort());
  }
});

test("every command, hidden ones too, has help in every language", () => {
  const names = ["help", "say", "msg", "reply", "me", "list", "status", "profile", "history", "search", "join", "leave", "topic", "rooms", "read", "motd", "set", "password", "quit", "signout", "login", "resume"];
  const registry = createRegistry();
  for (const name of names) expect(registry.find(name)?.name).toBe(name);
  for (const lang of LANGS) {
    const help = CATALOGUES[lang].commands;
    for (const name of names) expect({ lang, name, help: help[name]?.trim() || undefined }).toEqual({ lang, name, help: expect.any(String) });
    expect(Object.keys(help).sort()).toEqual([...names].sort());
  }
});

test("no notice is left untranslated: each says something of its own in Spanish", () => {
  const same: string[] = [];
  const params = { nick: "ana", room: "#r", usage: "/x", max: 1, min: 1, got: 1, bytes: 2, detail: "d", total: 2, shown: 2, what: "nick", char: "!", status: "busy", note: "", serverName: "s", motd: ["m"], lines: ["m"], text: "t", until: null, reason: "", message: "m", command: "x", name: "lang", names: "lang", values: "en|es" };
  for (const [key, say] of Object.entries(CATALOGUES.en.notices) as [string, (p: unknown) => string][]) {
    const values = key === "ban_not_future" ? { ...params, until: new Date(0) } : params;
    const english = say(values);
    const spanish = (CATALOGUES.es.notices as Record<string, (p: unknown) => string>)[key]!(values);
    expect(spanish.length).toBeGreaterThan(0);
    if (english === spanish) same.push(key);
  }
  // Words that are the same in both: the operator's own text, and the offer of Spanish itself.
  expect(same.sort()).toEqual(["bad_config", "motd"]);
});
