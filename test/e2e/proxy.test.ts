import { describe, expect, test } from "bun:test";
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
      c.send("secret");
      await c.waitForText("Repeat password: ");
      c.send("secret");
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
    w.send({ type: "login", nick: "webproxied", password: "secret" });
    await w.waitFor((f) => f.type === "room");
    expect(remoteOf("webproxied")).toBe("198.51.100.23");
  });
});

describe("with no trusted proxies", () => {
  const fixture = serverFixture(embedded);
  const remoteOf = (nick: string) => fixture.server.hub.operator.onlineSessions().find((s) => s.nick === nick)?.remote;

  test("X-Forwarded-For is ignored: anyone could write it", async () => {
    const w = fixture.keep(await WsClient.open(fixture.server.httpPort, { "X-Forwarded-For": "198.51.100.23" }));
    w.send({ type: "login", nick: "claims", password: "secret" });
    await w.waitFor((f) => f.type === "room");
    expect(remoteOf("claims")).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
