import { describe, expect, test } from "bun:test";
import { readProxyHeader } from "./proxy-protocol.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const SIG = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
const v2 = (command: number, family: number, body: number[]) =>
  Uint8Array.from([...SIG, 0x20 | command, family, body.length >> 8, body.length & 0xff, ...body]);

describe("readProxyHeader", () => {
  test("v1 TCP4 and TCP6 name the client; the bytes after the header are the client's", () => {
    const buf = bytes("PROXY TCP4 203.0.113.7 10.0.0.1 51234 12345\r\nana\r\n");
    expect(readProxyHeader(buf)).toEqual({ kind: "header", remote: "203.0.113.7:51234", length: 45 });
    expect(readProxyHeader(bytes("PROXY TCP6 2001:db8::1 2001:db8::2 4000 12345\r\n"))).toMatchObject({ remote: "2001:db8::1:4000" });
    expect(readProxyHeader(bytes("PROXY UNKNOWN\r\n"))).toEqual({ kind: "header", remote: null, length: 15 });
  });

  test("v2 PROXY over IPv4 and IPv6, and LOCAL (a health check)", () => {
    const ipv4 = v2(1, 0x11, [198, 51, 100, 9, 10, 0, 0, 1, 0x1f, 0x90, 0x30, 0x39]);
    expect(readProxyHeader(ipv4)).toEqual({ kind: "header", remote: "198.51.100.9:8080", length: 28 });
    const ipv6 = v2(1, 0x21, [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 5, ...Array(16).fill(0), 0x00, 0x50, 0x30, 0x39]);
    expect(readProxyHeader(ipv6)).toMatchObject({ remote: "2001:db8:0:0:0:0:0:5:80" });
    expect(readProxyHeader(v2(0, 0, []))).toEqual({ kind: "header", remote: null, length: 16 });
  });

  test("a header split anywhere waits for the rest", () => {
    const whole = [bytes("PROXY TCP4 203.0.113.7 10.0.0.1 51234 12345\r\n"), v2(1, 0x11, [1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2])];
    for (const buf of whole) {
      for (let cut = 1; cut < buf.length; cut++) expect(readProxyHeader(buf.subarray(0, cut)).kind).toBe("partial");
      expect(readProxyHeader(buf).kind).toBe("header");
    }
  });

  test("anything else is refused: a missing header, a malformed one, one too long", () => {
    expect(readProxyHeader(bytes("ana\r\n"))).toMatchObject({ kind: "bad" });
    expect(readProxyHeader(bytes("PROXY TCP4 nonsense 10.0.0.1 1 2\r\n"))).toMatchObject({ kind: "bad" });
    expect(readProxyHeader(bytes("PROXY TCP4 1.2.3.4 10.0.0.1 99999 2\r\n"))).toMatchObject({ kind: "bad" });
    expect(readProxyHeader(bytes("PROXY TCP4 1.2.3.4 10.0.0.1 1 2\n"))).toMatchObject({ kind: "bad" });
    expect(readProxyHeader(bytes("PROXY " + "x".repeat(120)))).toMatchObject({ kind: "bad" });
    expect(readProxyHeader(Uint8Array.from([...SIG, 0x31, 0x11, 0, 0]))).toMatchObject({ kind: "bad" });
  });
});
