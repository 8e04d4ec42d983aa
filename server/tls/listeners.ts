import type { Server, TCPSocketListener } from "bun";
import { listening } from "../startup/errors.ts";
import type { TlsPair } from "./files.ts";

type Stoppable = Pick<TCPSocketListener<unknown>, "stop" | "port"> ;

/** The TLS telnet listener and the HTTPS server, which a certificate reload replaces together. */
export interface TlsListeners {
  tlsPort: number;
  httpsPort: number;
  /** New connections get `pair`; open ones stay on the old listeners until they close. */
  reload(pair: TlsPair): void;
  /** Stops accepting; open connections stay to hear why the server stops. */
  stop(): void;
  /** Cuts whatever is still open. */
  close(): Promise<void>;
}

export interface TlsStarters {
  host: string;
  tlsPort: number;
  httpsPort: number;
  telnet(port: number, pair: TlsPair): Stoppable;
  https(port: number, pair: TlsPair): Server<any>;
  /** Every HTTPS server whose WebSockets still hear room messages (see wsPublisher). */
  servers: Set<Server<any>>;
}

/**
 * Bun's reload({ tls }) keeps serving the old certificate, so a reload starts new listeners on the
 * same ports (both bound with SO_REUSEPORT) and then stops the old ones from accepting: Linux hands
 * each new connection to a listener still accepting, and the old connections are not touched.
 */
export function startTlsListeners(s: TlsStarters, first: TlsPair): TlsListeners {
  // SO_REUSEPORT would let a second chat share these ports unnoticed, so a busy port is found first.
  for (const [what, port] of [["tlsPort", s.tlsPort], ["httpsPort", s.httpsPort]] as const) {
    if (port !== 0) listening(what, s.host, port, () => Bun.listen({ hostname: s.host, port, socket: { data() {} } })).stop(true);
  }
  let telnet = listening("tlsPort", s.host, s.tlsPort, () => s.telnet(s.tlsPort, first));
  const tlsPort = telnet.port;
  let https = listening("httpsPort", s.host, s.httpsPort, () => s.https(s.httpsPort, first));
  const httpsPort = https.port!;
  s.servers.add(https);
  const retired: Server<any>[] = [];
  return {
    tlsPort,
    httpsPort,
    reload(pair) {
      const nextTelnet = s.telnet(tlsPort, pair);
      const nextHttps = s.https(httpsPort, pair);
      s.servers.add(nextHttps);
      telnet.stop(false);
      void https.stop(false);
      // A retired server keeps publishing to its WebSockets until the server stops.
      retired.push(https);
      telnet = nextTelnet;
      https = nextHttps;
    },
    stop() {
      telnet.stop(false);
      for (const server of [https, ...retired]) void server.stop(false);
    },
    async close() {
      telnet.stop(true);
      await Promise.all([https, ...retired].map((server) => server.stop(true)));
    },
  };
}
