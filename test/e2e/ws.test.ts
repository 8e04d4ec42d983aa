import { afterAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../server/serve.ts";
import { LineClient } from "./client.ts";
import { drivers, removeDir, tempDir } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

for (const driver of await drivers()) {
  describe.skipIf(driver.skip)(`WebSocket protocol on the ${driver.name} store`, () => {
    const dataDir = tempDir();
    let server: RunningServer;
    const open: { close(): void }[] = [];
    const web = async (nick: string, password = "secret-pw") => {
      const c = await WsClient.login(server.httpPort, nick, password);
      open.push(c);
      return c;
    };
    const telnet = async (nick: string) => {
      const c = await LineClient.login(server.tcpPort, nick);
      open.push(c);
      return c;
    };

    test("starts", async () => {
      server = await driver.start(dataDir, { web: { allowedOrigins: ["https://chat.example.org"] } });
    });

    afterAll(async () => {
      for (const c of open) c.close();
      await server?.stop();
      await driver.cleanup();
      removeDir(dataDir);
    });

    test("login creates the account, then welcome, room and presence frames arrive", async () => {
      const c = await web("wanda");
      const welcome = await c.waitFor((f) => f.type === "welcome");
      expect(welcome).toMatchObject({ nick: "wanda", serverName: "chat", room: "#lobby", motd: ["Welcome! Type /help for commands."], lang: "en", settings: {} });
      expect(typeof welcome.token).toBe("string");
      expect(welcome.users).toContainEqual({ nick: "wanda", status: "available", note: "", rooms: ["#lobby"] });
      expect(welcome.rooms).toContainEqual({ name: "#lobby", members: 1, online: 1 });
      expect(welcome.conversations).toEqual([{ room: "#lobby", readId: 0, unread: 0, mentions: 0 }]);
      expect(await c.waitFor((f) => f.type === "room")).toEqual({ type: "room", room: "#lobby" });
      expect(await c.waitFor((f) => f.type === "history")).toEqual({ type: "history", room: "#lobby", reason: "recent", messages: [] });
      // Nobody else is told of a first login by a presence frame to the one logging in.
      expect(c.frames.filter((f) => f.type === "presence")).toEqual([]);
      // The same nick with another password is refused; three times closes the connection.
      const again = await WsClient.open(server.httpPort);
      open.push(again);
      for (let i = 0; i < 2; i++) {
        again.send({ type: "login", nick: "WANDA", password: "wrong" });
        await again.waitFor((f) => f.type === "error" && f.code === "bad_password" && again.frames.filter((x) => x.code === "bad_password").length === i + 1);
      }
      again.send({ type: "login", nick: "wanda", password: "wrong" });
      expect(await again.waitClosed()).toBe(1008);
    });

    test("say, msg, join, leave, status, history, read and line frames all work", async () => {
      const a = await web("xena");
      const b = await web("yuri");
      a.send({ type: "say", text: "hola web" });
      const m = await b.waitFor((f) => f.type === "message" && f.text === "hola web");
      expect(m).toEqual({ type: "message", id: expect.any(Number), kind: "public", from: "xena", room: "#lobby", text: "hola web", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      a.send({ type: "msg", to: "yuri", text: "psst" });
      expect(await b.waitFor((f) => f.text === "psst")).toMatchObject({ kind: "private", from: "xena", to: "yuri" });
      b.send({ type: "status", status: "busy", note: "coding" });
      expect(await a.waitFor((f) => f.type === "presence" && f.change === "status")).toMatchObject({ nick: "yuri", status: "busy", note: "coding", online: true });
      a.send({ type: "join", room: "#web" });
      expect(await a.waitFor((f) => f.type === "membership")).toEqual({ type: "membership", room: "#web", joined: true, state: { room: "#web", readId: 0, unread: 0, mentions: 0 } });
      await a.waitFor((f) => f.type === "room" && f.room === "#web");
      a.send({ type: "say", text: "in web room" });
      await a.waitFor((f) => f.text === "in web room");
      // A frame's `to` says which conversation its text is for, whatever the current room.
      b.send({ type: "join", room: "#web" });
      await b.waitFor((f) => f.type === "room" && f.room === "#web");
      b.send({ type: "say", text: "back in the lobby", to: "#lobby" });
      expect(await a.waitFor((f) => f.text === "back in the lobby")).toMatchObject({ room: "#lobby", from: "yuri" });
      b.send({ type: "read", room: "#lobby", id: m.id });
      // Its own message after the marker is not unread.
      expect(await b.waitFor((f) => f.type === "unread")).toEqual({ type: "unread", conversations: [{ room: "#lobby", readId: m.id, unread: 0, mentions: 0 }] });
      a.clear();
      a.send({ type: "history", room: "#lobby", limit: 2 });
      const h = await a.waitFor((f) => f.type === "history" && f.room === "#lobby");
      expect(h.messages.map((x: any) => x.text)).toEqual(["hola web", "back in the lobby"]);
      a.send({ type: "history", room: "#lobby", before: m.id, limit: 5 });
      const older = await a.waitFor((f) => f.type === "history" && f.room === "#lobby" && f !== h);
      expect(older.messages.every((x: any) => x.id < m.id)).toBe(true);
      a.send({ type: "history", with: "yuri" });
      expect((await a.waitFor((f) => f.type === "history" && f.with === "yuri")).messages.map((x: any) => x.text)).toEqual(["psst"]);
      a.send({ type: "leave" });
      await a.waitFor((f) => f.type === "room" && f.room === "#lobby");
      await a.waitFor((f) => f.type === "membership" && f.room === "#web" && !f.joined);
      a.send({ type: "line", text: "/me waves" });
      expect(await b.waitFor((f) => f.kind === "emote")).toMatchObject({ from: "xena", text: "waves" });
      a.send({ type: "line", text: "!yuri via line" });
      await b.waitFor((f) => f.text === "via line" && f.kind === "private");
      a.send({ type: "line", text: "/listar" });
      expect((await a.waitFor((f) => f.type === "users")).users).toContainEqual({ nick: "yuri", status: "busy", note: "coding", rooms: ["#lobby", "#web"] });
      a.send({ type: "profile", nick: "yuri" });
      expect((await a.waitFor((f) => f.type === "profile")).profile).toMatchObject({ nick: "yuri", online: true, status: "busy", messagesSent: 1 });
    });

    test("bad frames get an error frame and the connection stays up", async () => {
      const c = await web("zoe");
      const bad: [string, RegExp][] = [
        ["{not json", /not valid JSON/],
        ["[1,2]", /a frame is a JSON object/],
        [JSON.stringify({ type: "dance" }), /unknown frame type "dance"/],
        [JSON.stringify({ type: "privado", to: "x", text: "y" }), /unknown frame type "privado"/],
        [JSON.stringify({ text: "no type" }), /no type/],
        [JSON.stringify({ type: "msg", text: "to whom?" }), /^Usage: \/msg <nick> <text>$/],
        [JSON.stringify({ type: "msg", to: 7, text: "to whom?" }), /to: expected a string/],
        [JSON.stringify({ type: "history", room: "#lobby", limit: 500 }), /^The count must be a whole number from 1 to 200$/],
        [JSON.stringify({ type: "say", text: "x".repeat(5000) }), /too long/],
        ['{"type":"say","text":"lone \\ud800 surrogate"}', /lone surrogate/],
        [JSON.stringify({ type: "say", text: "nul\u0000byte" }), /NUL/],
        [JSON.stringify({ type: "say", text: "hi", extra: true }), /unknown field/],
      ];
      for (const [frame, message] of bad) {
        c.clear();
        c.send(frame);
        const e = await c.waitFor((f) => f.type === "error");
        expect(e.message).toMatch(message);
      }
      c.clear();
      c.send({ type: "say", text: "still here" });
      await c.waitFor((f) => f.text === "still here");
      expect(c.closeCode).toBeNull();
    });

    test("a frame over the size limit closes the connection with 1009", async () => {
      const c = await web("abel");
      c.send(JSON.stringify({ type: "say", text: "y".repeat(20_000) }));
      expect(await c.waitClosed()).toBe(1009);
    });

    test("the upgrade is refused for a foreign Origin, allowed for our own and configured ones", async () => {
      await expect(WsClient.open(server.httpPort, { Origin: "https://evil.example" })).rejects.toThrow();
      const res = await fetch(`http://127.0.0.1:${server.httpPort}/ws`, { headers: { Origin: "https://evil.example", Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13" } });
      expect(res.status).toBe(403);
      for (const origin of [`http://127.0.0.1:${server.httpPort}`, "https://chat.example.org"]) {
        const c = await WsClient.open(server.httpPort, { Origin: origin });
        open.push(c);
        c.send({ type: "say", text: "before login" });
        expect((await c.waitFor((f) => f.type === "error")).code).toBe("not_logged_in");
      }
    });

    test("telnet and web users talk both ways, in public and in private", async () => {
      const w = await web("bea");
      const t = await telnet("ciro");
      w.send({ type: "say", text: "from the browser" });
      await t.waitFor(/<bea> from the browser$/);
      t.send("from the terminal");
      await w.waitFor((f) => f.text === "from the terminal" && f.from === "ciro");
      w.send({ type: "line", text: "!ciro web to telnet", to: "#lobby" });
      await t.waitFor(/\[bea → ciro\] web to telnet$/);
      t.send("!bea telnet to web");
      expect(await w.waitFor((f) => f.text === "telnet to web")).toMatchObject({ kind: "private", from: "ciro", to: "bea" });
    });

    test("resume after a dropped connection replays exactly what was missed", async () => {
      const d = await web("dina");
      const t = await telnet("edu");
      t.send("seen live");
      const live = await d.waitFor((f) => f.text === "seen live");
      const token = (await d.waitFor((f) => f.type === "welcome")).token;
      d.close();
      await d.waitClosed();
      const missed = ["gone 1", "gone 2", "gone 3"];
      for (const text of missed) t.send(text);
      t.send("!dina private while gone");
      await t.waitFor(/private while gone/);

      const back = await WsClient.open(server.httpPort);
      open.push(back);
      back.send({ type: "resume", token, since: live.id, room: "#lobby" });
      await back.waitFor((f) => f.text === "private while gone");
      t.send("after resume");
      await back.waitFor((f) => f.text === "after resume");
      const texts = back.messages().map((f) => f.text);
      expect(texts).toEqual([...missed, "private while gone", "after resume"]);
      const ids = back.messages().map((f) => f.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(back.frames.some((f) => f.type === "history")).toBe(false);

      const forged = await WsClient.open(server.httpPort);
      open.push(forged);
      forged.send({ type: "resume", token: token.slice(0, -2) + "xx", since: 0 });
      expect((await forged.waitFor((f) => f.type === "error")).code).toBe("bad_token");
    });

    test("a changed password invalidates the account's resume tokens", async () => {
      const c = await web("gala", "old-secret");
      const token = (await c.waitFor((f) => f.type === "welcome")).token;
      c.send({ type: "line", text: "/password old-secret new-secret" });
      await c.waitFor((f) => f.type === "notice" && f.text === "Password changed");
      const stale = await WsClient.open(server.httpPort);
      open.push(stale);
      stale.send({ type: "resume", token, since: 0 });
      expect((await stale.waitFor((f) => f.type === "error")).code).toBe("bad_token");
      const fresh = await web("gala", "new-secret");
      const newToken = (await fresh.waitFor((f) => f.type === "welcome")).token;
      const resumed = await WsClient.open(server.httpPort);
      open.push(resumed);
      resumed.send({ type: "resume", token: newToken });
      expect((await resumed.waitFor((f) => f.type === "welcome")).nick).toBe("gala");
    });

    test("a banned user cannot log in over the web", async () => {
      await web("fito");
      await server.hub.operator.moderation.ban("fito", null, "spam", "test");
      const c = await WsClient.open(server.httpPort);
      open.push(c);
      c.send({ type: "login", nick: "fito", password: "secret-pw" });
      expect((await c.waitFor((f) => f.type === "error")).message).toMatch(/banned.*spam/);
      expect(await c.waitClosed()).toBe(1008);
    });

    test("/healthz and /metrics answer", async () => {
      const health = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`).then((r) => r.json());
      expect(health).toMatchObject({ status: "ok", store: driver.name });
      const metrics = await fetch(`http://127.0.0.1:${server.httpPort}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/^chat_connections\{transport="ws"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^chat_messages_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^chat_deliveries_total [1-9]\d*$/m);
      expect(metrics).toMatch(/^chat_store_insert_seconds_count [1-9]\d*$/m);
    });
  });
}
