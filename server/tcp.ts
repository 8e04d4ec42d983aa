import type { TCPSocketListener } from "bun";
import type { Gateway } from "./core/hub.ts";
import type { Limits } from "./core/limits.ts";
import { notice } from "./core/notices.ts";
import type { Session } from "./core/session.ts";
import { TelnetDecoder } from "./tcp/telnet.ts";
import { TcpOutput } from "./tcp/output.ts";
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

/** Raw TCP chat: telnet- and nc-compatible, one line per command, CRLF out; over TLS when `secure` is given. */
export function startTcp(chat: Gateway, host: string, port: number, limits: Limits, secure?: TlsListen): TCPSocketListener<Conn> {
  return Bun.listen<Conn>({
    hostname: host,
    port,
    ...secure,
    socket: {
      open(socket) {
        // Chat lines are small and must go at once: with Nagle on, a line written while the
        // previous one is unacknowledged waits for the client's delayed ACK (up to 40 ms).
        socket.setNoDelay(true);
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
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
          send: (event) => conn.terminal.show(event, conn.session.lang),
          close: () => out.end(),
          secretAnswered: () => conn.terminal.secretAnswered(),
        });
        socket.data = conn;
        chat.log.info("connect", { transport: "tcp", remote: conn.session.sink.remote });
        out.write(decoder.probe());
        out.write(CR);
        void chat.promptLogin(conn.session);
      },
      data(socket, chunk) {
        const conn = socket.data;
        conn.terminal.input(conn.decoder.push(chunk));
      },
      drain(socket) {
        socket.data.out.drain();
      },
      close(socket) {
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
