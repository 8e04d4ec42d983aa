// The PROXY protocol (HAProxy's, versions 1 and 2): a TCP balancer sends one header before the
// client's bytes, naming the client's address. Only a connection from a trusted proxy may send it
// (anyone else could claim any address), and then it must: see server/tcp.ts.
// https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt

export type ProxyHeader =
  /** Need more bytes. */
  | { kind: "partial" }
  /** `remote` is "address:port", or null when the proxy speaks for itself (v2 LOCAL, v1 UNKNOWN). */
  | { kind: "header"; remote: string | null; length: number }
  | { kind: "bad"; why: string };

const V2_SIGNATURE = Uint8Array.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = "PROXY ";
/** The longest v1 header, CRLF included. */
const V1_MAX = 107;
/** A v2 header may carry extensions (TLVs); a balancer's are far below this. */
export const PROXY_HEADER_MAX = 4096;

/** Reads a PROXY header at the start of `buf`. */
export function readProxyHeader(buf: Uint8Array): ProxyHeader {
  if (startsWith(buf, V2_SIGNATURE)) return readV2(buf);
  if (startsWith(buf, new TextEncoder().encode(V1_PREFIX))) return readV1(buf);
  if (V2_SIGNATURE.subarray(0, buf.length).every((b, i) => buf[i] === b) || V1_PREFIX.startsWith(ascii(buf))) return { kind: "partial" };
  return { kind: "bad", why: "no PROXY protocol header" };
}

function readV1(buf: Uint8Array): ProxyHeader {
  const end = buf.indexOf(0x0a);
  if (end < 0) return buf.length >= V1_MAX ? { kind: "bad", why: "PROXY v1 header too long" } : { kind: "partial" };
  if (end + 1 > V1_MAX || buf[end - 1] !== 0x0d) return { kind: "bad", why: "PROXY v1 header not ended by CRLF" };
  const parts = ascii(buf.subarray(0, end - 1)).split(" ");
  if (parts[1] === "UNKNOWN") return { kind: "header", remote: null, length: end + 1 };
  const [, family, source, , sourcePort] = parts;
  if (parts.length !== 6 || (family !== "TCP4" && family !== "TCP6")) return { kind: "bad", why: "PROXY v1 header malformed" };
  const port = Number(sourcePort);
  const ok = family === "TCP4" ? /^\d{1,3}(\.\d{1,3}){3}$/.test(source!) : /^[0-9a-fA-F:.]+$/.test(source!) && source!.includes(":");
  if (!ok || !/^\d{1,5}$/.test(sourcePort!) || port > 65535) return { kind: "bad", why: "PROXY v1 address malformed" };
  return { kind: "header", remote: `${source}:${port}`, length: end + 1 };
}

function readV2(buf: Uint8Array): ProxyHeader {
  if (buf.length < 16) return { kind: "partial" };
  const versionCommand = buf[12]!;
  if (versionCommand >> 4 !== 2) return { kind: "bad", why: "PROXY v2 version unknown" };
  const command = versionCommand & 0x0f;
  const family = buf[13]!;
  const length = 16 + ((buf[14]! << 8) | buf[15]!);
  if (buf.length < length) return length > PROXY_HEADER_MAX ? { kind: "bad", why: "PROXY v2 header too long" } : { kind: "partial" };
  // LOCAL: the proxy's own connection (a health check); the socket's address is the one.
  if (command === 0) return { kind: "header", remote: null, length };
  if (command !== 1) return { kind: "bad", why: "PROXY v2 command unknown" };
  const body = buf.subarray(16, length);
  const port = (at: number) => (body[at]! << 8) | body[at + 1]!;
  if (family === 0x11 && body.length >= 12) return { kind: "header", remote: `${[...body.subarray(0, 4)].join(".")}:${port(8)}`, length };
  if (family === 0x21 && body.length >= 36) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((body[i]! << 8) | body[i + 1]!).toString(16));
    return { kind: "header", remote: `${groups.join(":")}:${port(32)}`, length };
  }
  // UDP, unix sockets or unspecified: nothing a chat connection can use.
  return { kind: "header", remote: null, length };
}

const startsWith = (buf: Uint8Array, prefix: Uint8Array) => buf.length >= prefix.length && prefix.every((b, i) => buf[i] === b);
const ascii = (buf: Uint8Array) => String.fromCharCode(...buf.subarray(0, V1_MAX));

/** The socket's address as a trusted-proxies list names it: an IPv4-mapped IPv6 address as IPv4. */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
