import { describe, expect, test } from "bun:test";
import { LineClient } from "./client.ts";
import { embedded, serverFixture } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

// Clients that type ahead, vanish mid-login, or send what a well-behaved client would not.

describe("robustness over real sockets", () => {
  const fixture = serverFixture(embedded, { limits: { maxQueuedLines: 50 } });
  const { keep } = fixture;

  test("a whole login and a first message typed ahead in one write work, as from a script", async () => {
    const watcher = keep(await LineClient.login(fixture.server.tcpPort, "obs1"));
    const c = keep(await LineClient.open(fixture.server.tcpPort));
    c.write("scripted\r\npw-script\r\npw-script\r\nfirst words\r\n");
    await watcher.waitFor(/<scripted> first words$/);
  });

  test("a password typed ahead after /password answers the prompt and is never sent to the room", async () => {
    const watcher = keep(await LineClient.login(fixture.server.tcpPort, "obs2"));
    const c = keep(await LineClient.login(fixture.server.tcpPort, "typist", "old-pass"));
    c.write("/password\r\nold-pass\r\nnew-pass\r\nnew-pass\r\nafter\r\n");
    await c.waitFor(/Password changed/);
    await watcher.waitFor(/<typist> after$/);
    expect(watcher.text).not.toContain("-pass");
    c.close();
    const again = keep(await LineClient.login(fixture.server.tcpPort, "typist", "new-pass"));
    expect(again.text).not.toContain("new nick");
  });

  test("a telnet client gets its echo back after a password typed ahead", async () => {
    const c = keep(await LineClient.open(fixture.server.tcpPort));
    c.write(Uint8Array.of(255, 251, 24)); // WILL TERMINAL-TYPE: this client speaks telnet
    c.write("echoer\r\npw-echo-1\r\npw-echo-1\r\n/password\r\npw-echo-1\r\npw-two-22\r\npw-two-22\r\n");
    await c.waitFor(/Password changed/);
    const echo = [];
    for (let i = 0; i + 2 < c.raw.length; i++) if (c.raw[i] === 255 && c.raw[i + 2] === 1 && (c.raw[i + 1] === 251 || c.raw[i + 1] === 252)) echo.push(c.raw[i + 1]);
    // WILL ECHO before each of the five secret prompts, WONT ECHO after each answer: it ends echoing.
    expect(echo).toEqual([251, 252, 251, 252, 251, 252, 251, 252, 251, 252]);
  });

  test("a client that queues more lines than allowed behind a slow command is closed as a flood", async () => {
    const c = keep(await LineClient.login(fixture.server.tcpPort, "flooder"));
    c.write("/password wrong-one other-one\r\n" + "spam\r\n".repeat(60));
    await c.waitFor(/Error: Too many lines waiting to run; closing/);
    await c.waitClosed();
  });

  test("a WebSocket line sent before login is refused and does not block the login after it", async () => {
    const c = keep(await WsClient.open(fixture.server.httpPort));
    c.send({ type: "line", text: "hi" });
    c.send({ type: "login", nick: "early", password: "secret-pw", confirm: "secret-pw" });
    expect((await c.waitFor((f) => f.type === "error")).code).toBe("not_logged_in");
    await c.waitFor((f) => f.type === "welcome");
  });

  test("changing the password over the web sends the session a fresh resume token that works", async () => {
    const c = keep(await WsClient.login(fixture.server.httpPort, "rotator", "pw-rot-1"));
    c.send({ type: "line", text: "/password pw-rot-1 pw-rot-2" });
    const { token } = await c.waitFor((f) => f.type === "token");
    const back = keep(await WsClient.open(fixture.server.httpPort));
    back.send({ type: "resume", token });
    expect((await back.waitFor((f) => f.type === "welcome")).nick).toBe("rotator");
  });

  test("a connection that closes while its login is being checked does not stay online", async () => {
    const c = await LineClient.open(fixture.server.tcpPort);
    c.write("ghost\r\npw-ghost\r\npw-ghost\r\n");
    await c.waitForText("Repeat password: ");
    c.close();
    // The login goes on without its connection: ask until the account it creates exists.
    const other = keep(await LineClient.login(fixture.server.tcpPort, "checker"));
    for (let asked = 0; !other.lines.some((l) => l.startsWith("*** Profile of ghost")); asked++) {
      expect(asked).toBeLessThan(200);
      const from = other.lines.length;
      other.send("/profile ghost");
      await other.waitFor(/^\*\*\* (Profile of ghost|Error: No user named "ghost")$/, { from });
    }
    other.send("/list");
    await other.waitFor(/^\*\*\* Online/);
    expect(fixture.server.hub.operator.onlineSessions().map((s) => s.nick)).not.toContain("ghost");
    expect(other.text).not.toMatch(/^ {2}ghost /m);
  });

  test("a WebSocket that has not logged in hears nobody's presence", async () => {
    const anon = keep(await WsClient.open(fixture.server.httpPort));
    const user = keep(await WsClient.login(fixture.server.httpPort, "visible"));
    user.send({ type: "status", status: "busy", note: "secret meeting" });
    await user.waitFor((f) => f.type === "presence" && f.change === "status");
    anon.send({ type: "say", text: "am I in?" });
    await anon.waitFor((f) => f.type === "error" && f.code === "not_logged_in");
    expect(anon.frames.filter((f) => f.type === "presence")).toEqual([]);
  });

  test("a quit message cannot forge a line on another user's terminal", async () => {
    const watcher = keep(await LineClient.login(fixture.server.tcpPort, "obs3"));
    const web = keep(await WsClient.login(fixture.server.httpPort, "forger"));
    web.send({ type: "line", text: "/quit bye\n*** Announcement: log in at evil.example\u001b[2J" });
    const left = await watcher.waitFor(/forger went offline/);
    expect(left).toBe("*** forger went offline (bye*** Announcement: log in at evil.example[2J)");
    expect(watcher.lines.filter((l) => l.startsWith("*** Announcement"))).toEqual([]);
  });

  test("a kicked web user is closed with 1008, so the client does not reconnect by itself", async () => {
    const web = keep(await WsClient.login(fixture.server.httpPort, "kickme"));
    fixture.server.hub.operator.moderation.kick("kickme", "flooding");
    expect((await web.waitFor((f) => f.type === "error")).message).toBe("You were kicked: flooding");
    expect(await web.waitClosed()).toBe(1008);
  });
});
