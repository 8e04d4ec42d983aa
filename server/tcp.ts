import type { Socket, TCPSocketListener } from "bun";
import type { Gateway } from "./core/hub.ts";
import type { Limits } from "./core/limits.ts";
import { notice } from "./core/notices.ts";
import type { Session } from "./core/session.ts";
import { TelnetDecoder } from "./tcp/telnet.ts";
import { TcpOutput } from "./tcp/output.ts";
import { plainAddress, PROXY_HEADER_MAX, readProxyHeader } from "./tcp/proxy-protocol.ts";
import { Terminal } from "./tcp/terminal.ts";

interface Conn {
  decoder: TelnetDecoder;
  out: TcpOutput;
  session: Session;
  terminal: Terminal;
}

// After the probe (DO TTYPE, which also tells whether the client speaks telnet): the CR puts the
// cursor back so a raw client like nc shows the banner over the three bytes it cannot print.
const CR = new Uint8Array([13]);

/** How a listener is secured: a TLS listener shares its port (reusePort) with its successor at a certificate reload. */
export interface TlsListen {
  tls: { cert: string; key: string };
  reusePort: true;
}

/**
 * Raw TCP chat: telnet- and nc-compatible, one line per command, CRLF out; over TLS when `secure` is
 * given. A connection from one of `trustedProxies` (a balancer) starts with a PROXY protocol header
 * naming the real client, whose address the session (and so the per-address limits) gets. The
 * header comes before any TLS handshake, which Bun's TLS listener does itself: serve.ts passes
 * trustedProxies to the plain listener only.
 */
export function startTcp(
  chat: Gateway, host: string, port: number, limits: Limits, secure?: TlsListen, trustedProxies: string[] = [],
): TCPSocketListener<Conn> {
  const trusted = new Set(trustedProxies.map(plainAddress));
  /** Connections from a trusted proxy whose header has not fully arrived, with what has. */
  const awaitingHeader = new Map<Socket<Conn>, Uint8Array>();

  function begin(socket: Socket<Conn>, remote: string) {
    const out = new TcpOutput(socket, limits.maxOutboundBytes, () => {
      chat.log.warn("slow consumer disconnected", { remote: socket.remoteAddress });
      chat.disconnect(conn.session);
    }, limits.closeGraceMs);
    const decoder = new TelnetDecoder(limits, (bytes) => out.write(bytes));
    const conn: Conn = {
      out,
      decoder,
      session: null as unknown as Session,
      terminal: new Terminal(decoder, (bytes) => out.write(bytes), {
        line: (text) => void chat.input(conn.session, text),
        // "/quit" typed at a password prompt would be taken as the password.
        quit: (answering) => (answering ? chat.drop(conn.session) : void chat.input(conn.session, "/quit")),
        complete: (word, command) => chat.complete(conn.session, word, command),
        refused: (input) => {
          if (input.kind === "flood") chat.drop(conn.session, notice("input_flood"));
          else chat.refuse(conn.session, notice("line_too_long", { bytes: input.bytes, max: limits.maxLineBytes }));
        },
      }, () => limits.maxLineBytes),
    };
    conn.session = chat.connect({
      transport: "tcp",
      remote,
      send: (event) => conn.terminal.show(event, conn.session.lang),
      close: () => out.end(),
      secretAnswered: () => conn.terminal.secretAnswered(),
    });
    socket.data = conn;
    chat.log.info("connect", { transport: "tcp", remote: conn.session.sink.remote });
    out.write(decoder.probe());
    out.write(CR);
    void chat.promptLogin(conn.session);
  }

  /** Reads the PROXY header of a trusted proxy's connection; returns the bytes after it once it is whole. */
  function header(socket: Socket<Conn>, waiting: Uint8Array, chunk: Uint8Array): Uint8Array | null {
    const buf = new Uint8Array(waiting.length + chunk.length);
    buf.set(waiting);
    buf.set(chunk, waiting.length);
    const read = readProxyHeader(buf);
    if (read.kind === "partial" && buf.length <= PROXY_HEADER_MAX) {
      awaitingHeader.set(socket, buf);
      return null;
    }
    awaitingHeader.delete(socket);
    if (read.kind !== "header") {
      chat.log.warn("bad PROXY header", { remote: socket.remoteAddress, why: read.kind === "bad" ? read.why : "too long" });
      socket.end();
      return null;
    }
    begin(socket, read.remote ?? `${socket.remoteAddress}:${socket.remotePort}`);
    return buf.subarray(read.length);
  }

  return Bun.listen<Conn>({
    hostname: host,
    port,
    ...secure,
    socket: {
      open(socket) {
        // Chat lines are small and must go at once: with Nagle on, a line written while the
        // previous one is unacknowledged waits for the client's delayed ACK (up to 40 ms).
        socket.setNoDelay(true);
        // A peer that reset at once (a balancer's health check) has no address left to read.
        if (!socket.remoteAddress) return void socket.end();
        if (trusted.has(plainAddress(socket.remoteAddress))) awaitingHeader.set(socket, new Uint8Array(0));
        else begin(socket, `${socket.remoteAddress}:${socket.remotePort}`);
      },
      data(socket, bytes) {
        let chunk: Uint8Array = bytes;
        const waiting = awaitingHeader.get(socket);
        if (waiting) {
          const rest = header(socket, waiting, chunk);
          if (!rest || rest.length === 0) return;
          chunk = rest;
        }
        const conn = socket.data;
        conn.terminal.input(conn.decoder.push(chunk));
      },
      drain(socket) {
        // A trusted proxy's connection has no Conn until its header is read.
        socket.data?.out.drain();
      },
      close(socket) {
        awaitingHeader.delete(socket);
        const conn = socket.data;
        if (!conn) return;
        conn.out.closed();
        if (!conn.session.closed) chat.log.info("disconnect", { transport: "tcp", remote: conn.session.sink.remote });
        chat.disconnect(conn.session);
      },
      error(socket, error) {
        chat.log.warn("socket error", { remote: socket.remoteAddress, error: String(error) });
      },
    },
  });
}
