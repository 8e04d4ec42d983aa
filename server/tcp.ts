import type { Socket, TCPSocketListener } from "bun";
import type { Limits } from "./config/schema.ts";
import { CommandError } from "./core/errors.ts";
import type { Hub } from "./core/hub.ts";
import { promptLogin } from "./core/login.ts";
import type { Session } from "./core/session.ts";
import { textBytes } from "./render/text.ts";
import { TelnetDecoder } from "./tcp/telnet.ts";
import { TcpOutput } from "./tcp/output.ts";

interface Conn {
  decoder: TelnetDecoder;
  out: TcpOutput;
  session: Session;
  /** Echo is off while a password prompt waits for its answer. */
  hidden: boolean;
}

// Asks for the terminal type only to learn whether the client speaks telnet. The CR puts the
// cursor back so a raw client like nc shows the banner over the three bytes it cannot print.
const TELNET_PROBE = new Uint8Array([255, 253, 24, 13]);
const CRLF = new TextEncoder().encode("\r\n");

/** Raw TCP chat: telnet- and nc-compatible, one line per command, CRLF out. */
export function startTcp(hub: Hub, host: string, port: number, limits: Limits): TCPSocketListener<Conn> {
  return Bun.listen<Conn>({
    hostname: host,
    port,
    socket: {
      open(socket) {
        // Chat lines are small and must go at once: with Nagle on, a line written while the
        // previous one is unacknowledged waits for the client's delayed ACK (up to 40 ms).
        socket.setNoDelay(true);
        const out = new TcpOutput(socket, limits.maxOutboundBytes, () => {
          hub.log.warn("slow consumer disconnected", { remote: socket.remoteAddress });
          hub.disconnect(conn.session);
        }, limits.closeGraceMs);
        const conn: Conn = {
          out,
          decoder: new TelnetDecoder(limits, (bytes) => out.write(bytes)),
          hidden: false,
          session: null as unknown as Session,
        };
        conn.session = hub.connect({
          transport: "tcp",
          remote: `${socket.remoteAddress}:${socket.remotePort}`,
          send: (event) => {
            if (event.type === "prompt" && event.secret && conn.decoder.speaksTelnet) {
              out.write(conn.decoder.hideInput());
              conn.hidden = true;
            }
            out.write(textBytes(event));
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
        hub.log.info("connect", { transport: "tcp", remote: conn.session.sink.remote });
        out.write(TELNET_PROBE);
        void promptLogin(hub, conn.session);
      },
      data(socket, chunk) {
        const conn = socket.data;
        for (const input of conn.decoder.push(chunk)) {
          if (input.kind === "flood") {
            return hub.drop(conn.session, new CommandError("Too much input without a line end; closing", "flood"));
          }
          if (input.kind === "too-long") {
            conn.session.send({ type: "error", code: "too_long", message: `Line too long (${input.bytes} bytes; ${limits.maxLineBytes} at most); not sent` });
            continue;
          }
          void hub.input(conn.session, input.text);
        }
      },
      drain(socket) {
        socket.data.out.drain();
      },
      close(socket) {
        const conn = socket.data;
        if (!conn) return;
        conn.out.closed();
        if (!conn.session.closed) hub.log.info("disconnect", { transport: "tcp", remote: conn.session.sink.remote });
        hub.disconnect(conn.session);
      },
      error(socket, error) {
        hub.log.warn("socket error", { remote: socket.remoteAddress, error: String(error) });
      },
    },
  });
}
