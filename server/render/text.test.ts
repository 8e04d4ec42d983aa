import { describe, expect, test } from "bun:test";
import type { ChatEvent } from "../core/events.ts";
import { notice } from "../core/notices.ts";
import type { ChatMessage } from "../core/types.ts";
import { nickColour } from "./colour.ts";
import { renderText, textBytes, type TextView } from "./text.ts";

// Local times, as the renderer shows local time.
const at = new Date(2026, 2, 14, 9, 5);
const now = new Date(2026, 2, 14, 18, 30);
const en: TextView = { lang: "en", width: 80 };
const es: TextView = { lang: "es", width: 80 };
const text = (e: ChatEvent, view = en) => renderText(e, view, now);

const msg = (m: Partial<ChatMessage>): ChatEvent => ({
  type: "message",
  message: { id: 1, kind: "public", from: "ana", room: "#lobby", text: "hi", at, ...m },
});

describe("messages", () => {
  test("public, emote and private, with a date when not today", () => {
    expect(text(msg({}))).toBe("[09:05] <ana> hi\r\n");
    expect(text(msg({ kind: "emote", text: "waves" }))).toBe("[09:05] * ana waves\r\n");
    expect(text(msg({ kind: "private", room: undefined, to: "bob", text: "psst" }))).toBe("[09:05] [ana → bob] psst\r\n");
    expect(text(msg({ kind: "emote", room: undefined, to: "bob", text: "winks" }))).toBe("[09:05] [ana → bob] * ana winks\r\n");
    expect(text(msg({ at: new Date(2025, 11, 31, 23, 59) }))).toBe("[2025-12-31 23:59] <ana> hi\r\n");
  });

  test("a mention in a room not shown is one line naming the room", () => {
    const message = { id: 1, kind: "public" as const, from: "ana", room: "#dev", text: "bob: look", at, mentions: ["bob"] };
    expect(text({ type: "mention", message })).toBe("*** In #dev: [09:05] <ana> bob: look\r\n");
    expect(text({ type: "mention", message }, es)).toBe("*** En #dev: [09:05] <ana> bob: look\r\n");
  });

  test("a history: a title, a line per message, an end; the title in the user's language", () => {
    const messages: ChatMessage[] = [
      { id: 1, kind: "public", from: "ana", room: "#dev", text: "one", at },
      { id: 2, kind: "emote", from: "bob", room: "#dev", text: "nods", at: new Date(2026, 2, 14, 9, 6) },
    ];
    const e: ChatEvent = { type: "history", target: { room: "#dev" }, reason: "recent", messages, unread: 1 };
    expect(text(e)).toBe("--- Recent messages in #dev (1 unread) ---\r\n[09:05] <ana> one\r\n[09:06] * bob nods\r\n--- end ---\r\n");
    expect(text(e, es)).toBe("--- Mensajes recientes en #dev (1 sin leer) ---\r\n[09:05] <ana> one\r\n[09:06] * bob nods\r\n--- fin ---\r\n");
    expect(text({ type: "history", target: { with: "bob" }, reason: "page", messages: [] })).toBe("--- No private messages with bob ---\r\n(no messages)\r\n--- end ---\r\n");
    expect(text({ type: "history", target: { with: "bob" }, reason: "away", messages: messages.slice(0, 1) })).toStartWith("--- Private messages from bob ---\r\n");
  });
});

describe("notices, errors and presence", () => {
  test("a notice is *** and its words; an error says so; both in the user's language", () => {
    expect(text({ type: "notice", notice: notice("offline_recipient", { nick: "bob" }) })).toBe("*** bob is offline and will see your message at their next login\r\n");
    expect(text({ type: "error", code: "usage", notice: notice("usage", { usage: "/me <action>" }) })).toBe("*** Error: Usage: /me <action>\r\n");
    expect(text({ type: "error", code: "usage", notice: notice("usage", { usage: "/me <action>" }) }, es)).toBe("*** Error: Uso: /me <action>\r\n");
    expect(text({ type: "notice", notice: notice("motd", { lines: ["one", "two"] }) })).toBe("*** one\r\ntwo\r\n");
  });

  test("a long notice wraps between words at the terminal's width", () => {
    const e: ChatEvent = { type: "notice", notice: notice("announcement", { text: "the server restarts at noon for an upgrade of the database, please save your work" }) };
    expect(renderText(e, { lang: "en", width: 40 }, now)).toBe(
      "*** Announcement: the server restarts at\r\n    noon for an upgrade of the database,\r\n    please save your work\r\n",
    );
  });

  test("presence: online, offline with a reason, joined, left, a status with its note", () => {
    const base = { type: "presence", nick: "ana", online: true, status: "available", note: "", room: "#dev" } as const;
    expect(text({ ...base, change: "online" })).toBe("*** ana is online\r\n");
    expect(text({ ...base, change: "offline", reason: "off to bed" })).toBe("*** ana went offline (off to bed)\r\n");
    expect(text({ ...base, change: "joined" })).toBe("*** ana joined #dev\r\n");
    expect(text({ ...base, change: "left" })).toBe("*** ana left #dev\r\n");
    expect(text({ ...base, change: "status", status: "busy", note: "lunch" })).toBe("*** ana is now busy (lunch)\r\n");
    expect(text({ ...base, change: "status", status: "busy", note: "" }, es)).toBe("*** ana ahora está ocupado\r\n");
  });

  test("a prompt has no line end, so the answer is typed after it", () => {
    expect(text({ type: "prompt", notice: notice("prompt_password"), secret: true })).toBe("Password: ");
    expect(text({ type: "prompt", notice: notice("prompt_password"), secret: true }, es)).toBe("Contraseña: ");
  });
});

describe("tables, laid out by display width", () => {
  test("/list: wide and combining characters line the columns up", () => {
    const users = [
      { nick: "山田太郎", status: "busy" as const, note: "会議", rooms: ["#lobby"] },
      { nick: "José", status: "available" as const, note: "", rooms: ["#dev", "#lobby"] },
      { nick: "ana", status: "away" as const, note: "", rooms: [] },
    ];
    expect(text({ type: "users", users }).split("\r\n")).toEqual([
      "*** Online (3):",
      "  山田太郎  busy (会議)  #lobby",
      "  José      available    #dev, #lobby",
      "  ana       away         -",
      "",
    ]);
  });

  test("/rooms: the user's rooms with their counts, the current one marked, then the others", () => {
    const rooms = [
      { name: "#dev", members: 3, online: 1, unread: 5, mentions: 1, current: false },
      { name: "#lobby", members: 10, online: 4, unread: 0, mentions: 0, current: true },
      { name: "#random", members: 1, online: 0 },
    ];
    expect(text({ type: "rooms", rooms }).split("\r\n")).toEqual([
      "*** Your rooms:",
      "    #dev    1 of 3 members online   5 unread (1 mention)",
      "  * #lobby  4 of 10 members online",
      "*** Other rooms:",
      "    #random  0 of 1 member online",
      "",
    ]);
  });

  test("/help: descriptions start in one column and wrap within the width; a long usage gets a line of its own", () => {
    const commands = [
      { name: "msg", aliases: ["m", "privado"], args: "<nick> <text>" },
      { name: "status", aliases: ["estado"], args: "[available|busy|away] [note]" },
    ];
    const lines = renderText({ type: "help", commands, detail: false }, { lang: "en", width: 60 }, now).split("\r\n");
    expect(lines.slice(0, 6)).toEqual([
      "*** Commands:",
      "  /msg <nick> <text>        Send a private message; !nick",
      "                            text does the same (/m /privado)",
      "  /status [available|busy|away] [note]",
      "                            Set your status (also",
      "                            disponible|ocupado|ausente) with",
    ]);
    for (const l of lines) expect(Bun.stringWidth(l)).toBeLessThanOrEqual(60);
  });
});

describe("safety and sharing", () => {
  test("no ESC, BEL, bidi override or bare CR/LF reaches the terminal, whatever an event holds", () => {
    const evil = "\u001b[2J\u001b]0;owned\u0007\r\u202eboom\u0085";
    const events: ChatEvent[] = [
      msg({ text: evil, from: `ana${evil}` }),
      { type: "notice", notice: notice("announcement", { text: `a${evil}\nb${evil}` }) },
      { type: "error", code: "x", notice: notice("no_such_user", { nick: evil }) },
      { type: "presence", change: "offline", nick: evil, online: false, status: "away", note: evil, room: evil, reason: evil },
      { type: "history", target: { room: evil }, reason: "page", messages: [{ id: 1, kind: "public", from: evil, text: evil, at }] },
      { type: "users", users: [{ nick: evil, status: "away", note: evil, rooms: [evil] }] },
    ];
    for (const e of events) {
      const out = text(e);
      for (const bad of ["\u001b", "\u0007", "\u202e", "\u0085"]) expect(out).not.toContain(bad);
      expect(out.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    }
    expect(text(events[0]!)).toBe("[09:05] <ana[2J]0;ownedboom> [2J]0;ownedboom\r\n");
  });

  test("a room message is encoded once per language and every terminal writes the same buffer", () => {
    const e = msg({ text: "señal → ok" });
    const bytes = textBytes(e, en);
    textBytes(msg({ text: "other" }), en);
    expect(textBytes(e, en)).toBe(bytes);
    expect(textBytes(e, { lang: "en", width: 20 })).toBe(bytes);
    expect(new TextDecoder().decode(bytes)).toEndWith("<ana> señal → ok\r\n");
    const presence: ChatEvent = { type: "presence", change: "online", nick: "ana", online: true, status: "available", note: "" };
    expect(new TextDecoder().decode(textBytes(presence, es))).toBe("*** ana se ha conectado\r\n");
    expect(new TextDecoder().decode(textBytes(presence, en))).toBe("*** ana is online\r\n");
  });
});

describe("colour and bells", () => {
  const colour: TextView = { lang: "en", width: 80, colour: true, bell: true, me: "bob" };
  const plain: TextView = { lang: "en", width: 80 };

  test("a message that concerns nobody in particular is the same bytes for every colour terminal", () => {
    const e = msg({ text: "hello all" });
    const a = textBytes(e, { ...colour, me: "caro" });
    const b = textBytes(e, { ...colour, me: "dani" });
    expect(a).toBe(b);
    expect(new TextDecoder().decode(a)).toContain("\x1b[");
    // …and a terminal without colour gets the plain line, with no escape at all.
    expect(new TextDecoder().decode(textBytes(e, plain))).toBe(renderText(e, plain));
  });

  test("each nick has its own colour, the same every time", () => {
    const line = renderText(msg({ from: "ana" }), colour, now);
    expect(line).toContain(`${nickColour("ana")}ana`);
    expect(nickColour("Ana")).toBe(nickColour("ana"));
  });

  test("your own messages are dimmed; a line naming you is highlighted and rings once", () => {
    const own = renderText(msg({ from: "Bob", text: "mine" }), colour, now);
    expect(own.startsWith("\x1b[2m")).toBe(true);
    expect(own).not.toContain("\x07");
    const named = renderText(msg({ text: "bob: look", mentions: ["bob"] }), colour, now);
    expect(named).toContain("\x1b[1;33mbob: look");
    expect(named.split("\x07").length - 1).toBe(1);
  });

  test("a private message rings the bell even without colour", () => {
    const view: TextView = { lang: "en", width: 80, bell: true, me: "bob" };
    expect(renderText(msg({ kind: "private", room: undefined, to: "bob", text: "psst" }), view, now)).toBe("[09:05] [ana → bob] psst\r\n\x07");
  });

  test("system lines are muted, and users' text never carries an escape of its own", () => {
    const joined: ChatEvent = { type: "presence", change: "joined", nick: "ana", online: true, status: "available", note: "", room: "#dev" };
    expect(renderText(joined, colour, now)).toBe("\x1b[90m*** ana joined #dev\x1b[0m\r\n");
    const sneaky = renderText(msg({ text: "a\x1b[31mred" }), colour, now);
    expect(sneaky).toContain("a[31mred");
  });
});
