import { describe, expect, test } from "bun:test";
import type { ChatEvent } from "../core/events.ts";
import type { ChatMessage } from "../core/types.ts";
import { renderText, textBytes } from "./text.ts";

// Local times, as the renderer shows local time.
const at = new Date(2026, 2, 14, 9, 5);
const now = new Date(2026, 2, 14, 18, 30);

const msg = (m: Partial<ChatMessage>): ChatEvent => ({
  type: "message",
  message: { id: 1, kind: "public", from: "ana", room: "#lobby", text: "hi", at, ...m },
});

describe("renderText", () => {
  test("a public message: time, <nick>, text, CRLF", () => {
    expect(renderText(msg({}), now)).toBe("[09:05] <ana> hi\r\n");
  });

  test("an emote: * nick action", () => {
    expect(renderText(msg({ kind: "emote", text: "waves" }), now)).toBe("[09:05] * ana waves\r\n");
  });

  test("a private message: [from → to]", () => {
    expect(renderText(msg({ kind: "private", room: undefined, to: "bob", text: "psst" }), now)).toBe("[09:05] [ana → bob] psst\r\n");
  });

  test("a message from an earlier day includes its date", () => {
    const older = new Date(2025, 11, 31, 23, 59);
    expect(renderText(msg({ at: older }), now)).toBe("[2025-12-31 23:59] <ana> hi\r\n");
    const yesterday = new Date(2026, 2, 13, 18, 30);
    expect(renderText(msg({ at: yesterday }), now)).toBe("[2026-03-13 18:30] <ana> hi\r\n");
  });

  test("a system notice: *** first line, then the other lines as they are", () => {
    expect(renderText({ type: "system", text: "Rooms (2):\n  #a\n  #b" }, now)).toBe("*** Rooms (2):\r\n  #a\r\n  #b\r\n");
  });

  test("an error: *** Error: message", () => {
    expect(renderText({ type: "error", code: "usage", message: "Usage: /me <action>" }, now)).toBe("*** Error: Usage: /me <action>\r\n");
  });

  test("presence: joined, left with a reason, and a status change with its note", () => {
    const base = { type: "presence", nick: "ana", online: true, status: "available", note: "", room: "#dev" } as const;
    expect(renderText({ ...base, change: "joined" }, now)).toBe("*** ana joined #dev\r\n");
    expect(renderText({ ...base, change: "left" }, now)).toBe("*** ana left #dev\r\n");
    expect(renderText({ ...base, change: "left", reason: "off to bed" }, now)).toBe("*** ana left #dev (off to bed)\r\n");
    expect(renderText({ ...base, change: "status", status: "busy", note: "lunch" }, now)).toBe("*** ana is now busy (lunch)\r\n");
    expect(renderText({ ...base, change: "status", status: "away" }, now)).toBe("*** ana is now away\r\n");
  });

  test("history: a title line, one line per message and an end line", () => {
    const messages: ChatMessage[] = [
      { id: 1, kind: "public", from: "ana", room: "#dev", text: "one", at },
      { id: 2, kind: "emote", from: "bob", room: "#dev", text: "nods", at: new Date(2026, 2, 14, 9, 6) },
    ];
    expect(renderText({ type: "history", title: "Recent messages in #dev", messages }, now)).toBe(
      "--- Recent messages in #dev ---\r\n[09:05] <ana> one\r\n[09:06] * bob nods\r\n--- end ---\r\n",
    );
    expect(renderText({ type: "history", title: "Nothing", messages: [] }, now)).toBe("--- Nothing ---\r\n(no messages)\r\n--- end ---\r\n");
  });

  test("welcome: greets the nick and names the room", () => {
    const e: ChatEvent = { type: "welcome", nick: "ana", serverName: "chat", motd: ["x"], room: "#lobby", rooms: [], users: [] };
    expect(renderText(e, now)).toBe("*** Hello ana! You are in #lobby. /help lists the commands.\r\n");
  });

  test("a prompt has no line end, so the answer is typed after it", () => {
    expect(renderText({ type: "prompt", text: "Password: ", secret: true }, now)).toBe("Password: ");
  });

  test("no ESC or bare CR/LF reaches the terminal, whatever the event's text holds", () => {
    const evil = "\u001b[2J\u001b]0;owned\u0007\r\u202eboom\u0085";
    const events: ChatEvent[] = [
      msg({ text: evil, from: `ana${evil}` }),
      { type: "system", text: `a${evil}\nb${evil}` },
      { type: "error", code: "x", message: evil },
      { type: "presence", change: "left", nick: evil, online: false, status: "away", note: evil, room: evil, reason: evil },
      { type: "history", title: evil, messages: [{ id: 1, kind: "public", from: evil, text: evil, at }] },
      { type: "welcome", nick: evil, serverName: evil, motd: [evil], room: evil, rooms: [], users: [] },
      { type: "prompt", text: `${evil}\n`, secret: false },
    ];
    for (const e of events) {
      const out = renderText(e, now);
      expect(out).not.toContain("\u001b");
      expect(out).not.toContain("\u0007");
      expect(out).not.toContain("\u202e");
      expect(out).not.toContain("\u0085");
      expect(out.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    }
    expect(renderText(events[0]!, now)).toBe("[09:05] <ana[2J]0;ownedboom> [2J]0;ownedboom\r\n");
    expect(renderText(events[6]!, now)).toBe("[2J]0;ownedboom");
  });

  test("the same event object renders identically every time (rendered once, then cached)", () => {
    const e = msg({ text: "cached" });
    const first = textBytes(e);
    // Another event in between, so the answer comes from the per-event cache, not the last one.
    textBytes(msg({ text: "other" }));
    expect(textBytes(e)).toBe(first);
    (e as { message: ChatMessage }).message.text = "changed";
    expect(new TextDecoder().decode(textBytes(e))).toBe(renderText(msg({ text: "cached" })));
    expect(new TextDecoder().decode(first)).toEndWith("<ana> cached\r\n");
    expect(renderText(msg({ text: "changed" }), now)).toBe("[09:05] <ana> changed\r\n");
  });

  test("textBytes is the rendered text in UTF-8, encoded once: every recipient gets the same buffer", () => {
    const e = msg({ text: "señal → ok" });
    const bytes = textBytes(e);
    expect(new TextDecoder().decode(bytes)).toBe(renderText(e));
    expect(textBytes(e)).toBe(bytes);
    expect(textBytes({ type: "prompt", text: "Password: ", secret: true })).toEqual(new TextEncoder().encode("Password: "));
  });
});
