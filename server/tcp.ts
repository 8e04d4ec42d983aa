import type { Socket, TCPSocketListener } from "bun";
import type { Gateway } from "./core/hub.ts";
import type { Limits } from "./core/limits.ts";
import { notice } from "./core/notices.ts";
import type { Session } from "./core/session.ts";
import { DEFAULT_WIDTH, textBytes, type TextView } from "./render/text.ts";
import { TelnetDecoder } from "./tcp/telnet.ts";
import { TcpOutput } from "./tcp/output.ts";
import { plainAddress, PROXY_HEADER_MAX, readProxyHeader } from "./tcp/proxy-protocol.ts";

interface Conn {
  decoder: TelnetDecoder;
  out: TcpOutput;
  session: Session;
  view: TextView;
  /** Echo is off while a password prompt waits for its answer. */
  hidden: boolean;
}

// Asks for the terminal type only to learn whether the client speaks telnet. The CR puts the
// cursor back so a raw client like nc shows the banner over the three bytes it cannot print.
const TELNET_PROBE = new Uint8Array([255, 253, 24, 13]);
const CRLF = new TextEncoder().encode("\r\n");

/**
 * Raw TCP chat: telnet- and nc-compatible, one line per command, CRLF out. A connection from one
 * of `trustedProxies` (a balancer) starts with a PROXY protocol header naming the real client.
 */
export function startTcp(chat: Gateway, host: string, port: number, limits: Limits, trustedProxies: string[] = []): TCPSocketListener<Conn> {
  const trusted = new Set(trustedProxies.map(plainAddress));
  /** Connections from a trusted proxy whose header has not fully arrived, with what has. */
  const awaitingHeader = new Map<Socket<Conn>, Uint8Array>();

  function begin(socket: Socket<Conn>, remote: string) {
    const out = new TcpOutput(socket, limits.maxOutboundBytes, () => {
      chat.log.warn("slow consumer disconnected", { remote: socket.remoteAddress });
      chat.disconnect(conn.session);
    }, limits.closeGraceMs);
    const conn: Conn = {
      out,
      decoder: new TelnetDecoder(limits, (bytes) => out.write(bytes)),
      hidden: false,
      session: null as unknown as Session,
      view: { lang: "en", width: DEFAULT_WIDTH },
    };
    conn.session = chat.connect({
      transport: "tcp",
      remote,
      send: (event) => {
        if (event.type === "prompt" && event.secret && conn.decoder.speaksTelnet) {
          out.write(conn.decoder.hideInput());
          conn.hidden = true;
        }
        conn.view.lang = conn.session.lang;
        out.write(textBytes(event, conn.view));
      },
      close: () => out.end(),
      secretAnswered: () => {
        if (!conn.hidden) return;
        conn.hidden = false;
        // The client echoed nothing, not even the line end.
        out.write(conn.decoder.showInput());
        out.write(CRLF);
      },
    });
    socket.data = conn;
    chat.log.info("connect", { transport: "tcp", remote: conn.session.sink.remote });
    out.write(TELNET_PROBE);
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
    socket: {
      open(socket) {
        // Chat lines are small and must go at once: with Nagle on, a line written while the
        // previous one is unacknowledged waits for the client's delayed ACK (up to 40 ms).
        socket.setNoDelay(true);
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
        for (const input of conn.decoder.push(chunk)) {
          if (input.kind === "flood") return chat.drop(conn.session, notice("input_flood"));
          if (input.kind === "too-long") {
            chat.refuse(conn.session, notice("line_too_long", { bytes: input.bytes, max: limits.maxLineBytes }));
            continue;
          }
          void chat.input(conn.session, input.text);
        }
      },
      drain(socket) {
        socket.data.out.drain();
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
