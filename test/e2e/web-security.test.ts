import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { embedded, serverFixture } from "./harness.ts";

describe("web hardening", () => {
  const fixture = serverFixture(embedded);

  test("the page, the API and errors carry a CSP without inline script, nosniff, a referrer policy and no framing", async () => {
    const base = `http://127.0.0.1:${fixture.server.httpPort}`;
    for (const path of ["/", "/healthz", "/info", "/metrics", "/admin/status", "/nowhere", "/ws"]) {
      const r = await fetch(base + path);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("connect-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), path).toBe("no-referrer");
      await r.arrayBuffer();
    }
    const html = await (await fetch(base + "/")).text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    // Every script is a file of the page's own origin: nothing inline for the CSP to allow.
    for (const s of scripts) expect(s).toMatch(/\bsrc="\//);
    expect(html).not.toMatch(/<script\b[^>]*>[^<]+<\/script>/);
  });

  // Bun's WebSocket layer (uWebSockets) cannot be made to answer 1002: it does not check the mask
  // bit, so an unmasked frame is read as a masked one with a garbage key, and the connection is cut
  // (1006, no close frame) as soon as what follows makes no sense. This pins that behaviour, which the
  // README's Security section describes: nothing the broken frame says is ever run.
  test("an unmasked client frame (RFC 6455 §5.1) is never run, and the connection is cut", async () => {
    const socket = connect({ port: fixture.server.httpPort, host: "127.0.0.1" });
    await new Promise((resolve) => socket.once("connect", resolve));
    const received: Buffer[] = [];
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    let upgraded!: () => void;
    const upgrade = new Promise<void>((resolve) => (upgraded = resolve));
    socket.on("data", (d: Buffer) => {
      received.push(d);
      if (Buffer.concat(received).includes("\r\n\r\n")) upgraded();
    });
    socket.on("error", () => {});
    socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    await upgrade;
    const help = Buffer.from(JSON.stringify({ type: "help" }));
    socket.write(Buffer.concat([Buffer.from([0x81, help.length]), help])); // no mask bit
    const mask = [0x12, 0x34, 0x56, 0x78];
    socket.write(Buffer.from([0x81, 0x80 | help.length, ...mask, ...help.map((b, i) => b ^ mask[i % 4]!)]));
    await closed;
    const all = Buffer.concat(received);
    // Nothing after the handshake: the help frame was never run.
    expect(all.subarray(all.indexOf("\r\n\r\n") + 4).toString()).not.toContain("help");
    expect(fixture.server.hub.operator.counters().connections.ws).toBe(0);
  });
});
