import { plainAddress } from "../tcp/proxy-protocol.ts";

/**
 * The client's address behind a reverse proxy: X-Forwarded-For is believed only when the peer is
 * one of `trusted` (anyone else could write any address in it), and then its last entry, the one
 * the trusted proxy added. Otherwise the peer's own address. Always "address:port", the shape the
 * per-address limits read (core/throttle.ts addressOf: an IPv6 address has colons of its own);
 * X-Forwarded-For names no port, so 0 stands for the unknown one.
 */
export function clientAddress(peer: { address: string; port: number } | null, forwardedFor: string | null, trusted: ReadonlySet<string>): string {
  if (!peer) return "unknown";
  const own = `${peer.address}:${peer.port}`;
  if (!forwardedFor || !trusted.has(plainAddress(peer.address))) return own;
  const last = forwardedFor.split(",").map((a) => a.trim()).filter(Boolean).pop();
  return last && /^[0-9a-fA-F:.]+$/.test(last) ? `${plainAddress(last)}:0` : own;
}
