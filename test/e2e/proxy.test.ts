import { describe, expect, spyOn, test } from "bun:test";
import { connect } from "node:net";
import { LineClient } from "./client.ts";
import { embedded, serverFixture } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

// Behind a balancer (issue 16): the telnet port reads the PROXY protocol, and HTTP believes
// X-Forwarded-For, only from the addresses in trustedProxies; sessions carry the real client's address.

describe("a balancer on 127.0.0.1 listed in trustedProxies", () => {
  const fixture = serverFixture(embedded, { trustedProxies: ["127.0.0.1"] });
  const remoteOf = (nick: string) => fixture.server.hub.operator.onlineSessions().find((s) => s.nick === nick)?.remote;

  for (const [version, header] of [
    ["v1", new TextEncoder().encode("PROXY TCP4 203.0.113.7 10.0.0.1 51234 12345\r\n")],
    ["v2", Uint8Array.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a, 0x21, 0x11, 0, 12, 203, 0, 113, 7, 10, 0, 0, 1, 0xc8, 0x22, 0x30, 0x39])],
  ] as const) {
    test(`a telnet connection's PROXY ${version} header names the client, whose address the session gets`, async () => {
      const c = fixture.keep(await LineClient.open(fixture.server.tcpPort));
      // The header and the first line in one write, as a balancer that forwards at once sends them.
      c.write(new Uint8Array([...header, ...new TextEncoder().encode(`proxied_${version}\r\n`)]));
      await c.waitForText("New password: ");
      c.send("secret-pw");
      await c.waitForText("Repeat password: ");
      c.send("secret-pw");
      await c.waitFor(/Hello proxied_/);
      expect(remoteOf(`proxied_${version}`)).toBe("203.0.113.7:51234");
    });
  }

  test("a trusted connection without a PROXY header is closed before anything reaches the chat", async () => {
    const c = fixture.keep(await LineClient.open(fixture.server.tcpPort));
    c.send("not_a_header");
    await c.waitClosed();
    expect(c.text).not.toContain("Nickname");
  });

  test("a WebSocket through the balancer gets the address its X-Forwarded-For names", async () => {
    const w = fixture.keep(await WsClient.open(fixture.server.httpPort, { "X-Forwarded-For": "198.51.100.1, 198.51.100.23" }));
    w.send({ type: "login", nick: "webproxied", password: "secret-pw", confirm: "secret-pw" });
    await w.waitFor((f) => f.type === "room");
    expect(remoteOf("webproxied")).toBe("198.51.100.23:0");
  });
});

describe("the per-address limits behind a balancer", () => {
  // Loopback (the balancer here) is not exempt: what counts is the address each header names.
  const fixture = serverFixture(embedded, { trustedProxies: ["127.0.0.1"], limits: { exemptAddresses: [], maxConnectionsPerAddress: 1 } });
  const proxied = async (client: string, port: number) => {
    const c = fixture.keep(await LineClient.open(fixture.server.tcpPort));
    c.write(new TextEncoder().encode(`PROXY TCP4 ${client} 10.0.0.1 ${port} 12345\r\n`));
    return c;
  };

  test("count the client a PROXY header names, not the balancer", async () => {
    const first = await proxied("203.0.113.7", 40001);
    await first.waitForText("Nickname: ");
    // Another client behind the same balancer is let in; the first client's second connection is not.
    const other = await proxied("203.0.113.8", 40002);
    await other.waitForText("Nickname: ");
    const again = await proxied("203.0.113.7", 40003);
    await again.waitFor(/Too many connections from your address \(1 at most\)/);
    await again.waitClosed();
  });
});

describe("with no trusted proxies", () => {
  const fixture = serverFixture(embedded);
  const remoteOf = (nick: string) => fixture.server.hub.operator.onlineSessions().find((s) => s.nick === nick)?.remote;

  test("X-Forwarded-For is ignored: anyone could write it", async () => {
    const w = fixture.keep(await WsClient.open(fixture.server.httpPort, { "X-Forwarded-For": "198.51.100.23" }));
    w.send({ type: "login", nick: "claims", password: "secret-pw", confirm: "secret-pw" });
    await w.waitFor((f) => f.type === "room");
    expect(remoteOf("claims")).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe("a balancer's health checks", () => {
  const fixture = serverFixture(embedded, { trustedProxies: ["127.0.0.1"] });

  test("a check that connects to the telnet port and resets at once leaves no socket error in the log", async () => {
    const warn = spyOn(fixture.server.hub.log, "warn");
    try {
      // HAProxy's TCP check: connect, then close with a reset (SO_LINGER 0). Made by another
      // process while this one's event loop is blocked (spawnSync), so the server accepts a
      // connection that is already gone, as a busy server does.
      const check = `const s = require("node:net").connect(${fixture.server.tcpPort}, "127.0.0.1", () => s.resetAndDestroy());`;
      expect(Bun.spawnSync([process.execPath, "-e", check]).exitCode).toBe(0);
      // Connections are opened in the order they arrive: once a later one is greeted, the check's has run.
      const c = fixture.keep(await LineClient.open(fixture.server.tcpPort));
      c.write(new TextEncoder().encode("PROXY TCP4 203.0.113.9 10.0.0.1 51234 12345\r\n"));
      await c.waitForText("Nickname: ");
      expect(warn.mock.calls.filter(([event]) => event === "socket error")).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });

  test("an HTTP/1.0 health check with no Host header gets /healthz's answer", async () => {
    // HAProxy's `option httpchk GET /healthz` sends exactly this by default.
    const answer = await new Promise<string>((resolve, reject) => {
      let text = "";
      const s = connect(fixture.server.httpPort, "127.0.0.1", () => s.write("GET /healthz HTTP/1.0\r\n\r\n"));
      s.on("data", (d) => (text += d));
      s.on("end", () => resolve(text));
      s.on("error", reject);
    });
    expect(answer).toStartWith("HTTP/1.1 200");
    expect(answer).toContain('"status":"ok"');
  });
});
