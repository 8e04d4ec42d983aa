import { expect, test } from "bun:test";
import { addressOf } from "../core/throttle.ts";
import { clientAddress } from "./forwarded.ts";

const trusted = new Set(["10.0.0.5"]);

test("clientAddress() believes X-Forwarded-For only from a trusted proxy, and only its last entry", () => {
  expect(clientAddress({ address: "10.0.0.5", port: 4000 }, "198.51.100.1, 203.0.113.7", trusted)).toBe("203.0.113.7:0");
  expect(clientAddress({ address: "::ffff:10.0.0.5", port: 4000 }, "203.0.113.7", trusted)).toBe("203.0.113.7:0");
  expect(clientAddress({ address: "192.0.2.9", port: 4000 }, "203.0.113.7", trusted)).toBe("192.0.2.9:4000");
  expect(clientAddress({ address: "10.0.0.5", port: 4000 }, null, trusted)).toBe("10.0.0.5:4000");
  expect(clientAddress({ address: "10.0.0.5", port: 4000 }, "not an address", trusted)).toBe("10.0.0.5:4000");
  expect(clientAddress(null, "203.0.113.7", trusted)).toBe("unknown");
});

test("clientAddress() gives a forwarded address the address:port shape the per-address limits read", () => {
  // No port in X-Forwarded-For: 0. Without one, addressOf would cut an IPv6 address at its last colon.
  expect(addressOf(clientAddress({ address: "10.0.0.5", port: 4000 }, "2001:db8::7", trusted))).toBe("2001:db8::7");
  expect(addressOf(clientAddress({ address: "10.0.0.5", port: 4000 }, "::ffff:203.0.113.7", trusted))).toBe("203.0.113.7");
});
