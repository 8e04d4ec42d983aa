import type { Socket } from "bun";

// How one benchmark client speaks to each server: log in, join the room, send a payload, and
// hand every chunk received after that back as bytes. Each server gets the lines its own users
// would send it; what comes back is counted by the payloads it holds, whatever its framing.

export type Protocol = "chat-tcp" | "chat-ws" | "irc" | "ws-raw" | "ws-json";

/** Whether a server sends a room message back to its sender too (IRC does not). */
export const echoes: Record<Protocol, boolean> = {
  "chat-tcp": true,
  "chat-ws": true,
  irc: false,
  "ws-raw": true,
  "ws-json": true,
};

export interface ClientOptions {
  host: string;
  port: number;
  nick: string;
  password: string;
  /** Log in and join (false: stop once the connection is open and greeted, for idle runs). */
  login: boolean;
  /** IRC lines a peer needs after its welcome (e.g. to lift flood limits); {nick} is this client's nick. */
  afterWelcome?: string[];
  /** What arrives once the client is ready. */
  onData(bytes: Uint8Array): void;
  onReady(): void;
  onClose(reason: string): void;
}

export interface BenchClient {
  send(payload: string): void;
  close(): void;
}

interface Speech {
  /** The socket is open (and, for WebSocket, upgraded). */
  greet(send: (text: string) => void): void;
  /** Text received before ready; true once the client may start. */
  ready(text: string, send: (text: string) => void): boolean;
  frame(payload: string): string;
  /** Answers a keep-alive seen after ready. */
  keepAlive?(chunk: Buffer, send: (text: string) => void): void;
}

export function connect(protocol: Protocol, o: ClientOptions): BenchClient {
  switch (protocol) {
    case "chat-tcp":
      return streamClient(o, null, {
        // Typed ahead: the server's login takes lines sent before its prompts.
        greet: (send) => o.login && send(`${o.nick}\r\n${o.password}\r\n`),
        ready: (text) => (o.login ? text.includes("--- end ---") : text.includes("Nickname:")),
        frame: (p) => `${p}\r\n`,
      });
    case "irc": {
      let welcomed = false;
      return streamClient(o, null, {
        greet: (send) => send(`NICK ${o.nick}\r\nUSER ${o.nick} 0 * :bench\r\n`),
        ready: (text, send) => {
          answerPings(text, send);
          if (!welcomed && / 001 /.test(text)) {
            welcomed = true;
            if (!o.login) return true;
            send([...(o.afterWelcome ?? []), "JOIN #bench"].map((l) => `${l.replaceAll("{nick}", o.nick)}\r\n`).join(""));
          }
          return welcomed && / 366 /.test(text);
        },
        frame: (p) => `PRIVMSG #bench :${p}\r\n`,
        // A byte search first: most chunks hold only messages, and decoding each would cost.
        keepAlive: (chunk, send) => {
          if (chunk.includes("PING ")) answerPings(chunk.toString("latin1"), send);
        },
      });
    }
    case "chat-ws":
      return streamClient(o, "/ws", {
        greet: (send) => o.login && send(JSON.stringify({ type: "login", nick: o.nick, password: o.password })),
        ready: (text) => !o.login || text.includes('"type":"history"'),
        frame: (p) => `{"type":"say","text":"${p}"}`,
      });
    case "ws-raw":
      return streamClient(o, "/", { greet() {}, ready: () => true, frame: (p) => p });
    case "ws-json":
      return streamClient(o, `/?nick=${o.nick}`, { greet() {}, ready: () => true, frame: (p) => `{"type":"say","text":"${p}"}` });
  }
}

/** Answers every PING line in `text`, as an IRC server expects of a live client. */
function answerPings(text: string, send: (text: string) => void) {
  for (const line of text.split("\r\n")) if (line.startsWith("PING")) send(`PONG${line.slice(4)}\r\n`);
}

const UPGRADE_END = "\r\n\r\n";

/**
 * One client on a plain socket, either line-based or WebSocket (`wsPath`). A WebSocket server's
 * frames are not masked, so payloads appear as-is in the byte stream and are counted there a
 * chunk at a time: the generator costs far less per delivery than a frame event each, and so
 * saturates later than the servers it drives.
 */
function streamClient(o: ClientOptions, wsPath: string | null, speech: Speech): BenchClient {
  let upgraded = wsPath === null;
  let ready = false;
  let seen = "";
  let socket: Socket<unknown> | null = null;
  let pending: Uint8Array | null = null;
  // What the socket did not take is kept, in order, for its next drain.
  const writeNow = (s: Socket<unknown>, bytes: Uint8Array) => {
    const n = s.write(bytes);
    if (n < bytes.length) pending = bytes.subarray(Math.max(n, 0));
  };
  const write = (bytes: Uint8Array) => {
    if (!socket) return;
    if (pending) pending = concat(pending, bytes);
    else writeNow(socket, bytes);
  };
  const send = (text: string) => write(wsPath === null ? encoder.encode(text) : maskedFrame(text));
  const greeted = () => {
    speech.greet(send);
    check("");
  };
  const check = (text: string) => {
    // A marker may straddle two chunks; more of the past than that must not pile up.
    const recent = seen + text;
    seen = recent.slice(-64);
    if (!speech.ready(recent, send)) return;
    ready = true;
    seen = "";
    o.onReady();
  };
  void Bun.connect({
    hostname: o.host,
    port: o.port,
    socket: {
      open(s) {
        socket = s;
        // Each message must leave at once, as an interactive client's would (no Nagle delay).
        s.setNoDelay(true);
        if (wsPath === null) return greeted();
        s.write(`GET ${wsPath} HTTP/1.1\r\nHost: ${o.host}:${o.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      },
      data(_s, chunk) {
        if (ready) {
          speech.keepAlive?.(chunk, send);
          return o.onData(chunk);
        }
        const text = chunk.toString("latin1");
        if (upgraded) return check(text);
        seen += text;
        const end = seen.indexOf(UPGRADE_END);
        if (end === -1) return;
        if (!seen.startsWith("HTTP/1.1 101")) return o.onClose(`upgrade refused: ${seen.slice(0, seen.indexOf("\r\n"))}`);
        upgraded = true;
        const rest = seen.slice(end + UPGRADE_END.length);
        seen = "";
        greeted();
        if (!ready) check(rest);
      },
      drain(s) {
        if (!pending) return;
        const bytes = pending;
        pending = null;
        writeNow(s, bytes);
      },
      close() {
        o.onClose("closed by server");
      },
      error(_s, e) {
        o.onClose(String(e));
      },
    },
  }).catch((e) => o.onClose(String(e)));
  return { send: (p) => send(speech.frame(p)), close: () => socket?.end() };
}

const encoder = new TextEncoder();

/** A client's text frame. The mask is all zeroes: legal, and the payload stays readable in captures. */
function maskedFrame(text: string): Uint8Array {
  const body = encoder.encode(text);
  const head = body.length < 126 ? [0x81, 0x80 | body.length] : [0x81, 0x80 | 126, body.length >> 8, body.length & 0xff];
  const frame = new Uint8Array(head.length + 4 + body.length);
  frame.set(head, 0);
  frame.set(body, head.length + 4);
  return frame;
}

export function concat(a: Uint8Array, b: Uint8Array) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
