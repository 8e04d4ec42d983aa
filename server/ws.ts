import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import { FRAME_BYTES_CAP, type Limits } from "./config/schema.ts";
import type { ChatEvent } from "./core/events.ts";
import { historyOf } from "./core/history.ts";
import type { Hub } from "./core/hub.ts";
import { passwordLogin, resumeLogin } from "./core/password-login.ts";
import { exceedsBytes, truncateBytes } from "./core/text.ts";
import type { Publisher } from "./core/rooms.ts";
import type { Session } from "./core/session.ts";
import { renderJson, toFrame } from "./render/json.ts";
import { parseFrame, type ClientFrame } from "./ws/frames.ts";
import type { ResumeTokens } from "./secrets/resume-tokens.ts";

export interface WsData {
  remote: string;
  session: Session;
}

// 1008 (policy violation): the client should not reconnect by itself.
const CLOSE_POLICY = 1008;
const CLOSE_TOO_BIG = 1009;
// RFC 6455: a close frame's reason fits in 123 bytes.
const CLOSE_REASON_MAX_BYTES = 123;
// Every socket stays subscribed to this topic, which nothing is published to: Bun forgets what it
// has published to a socket but not yet written when the socket leaves its last topic, and a
// message sent to a room just before its member moves on must still reach them.
const ANCHOR_TOPIC = "anchor";

/** Room messages for the web: rendered once, then Bun writes the frame to every subscribed socket. */
export function wsPublisher(server: Server<WsData>): Publisher {
  return (topic, event) => {
    server.publish(topic, renderJson(event));
  };
}

/** WebSocket chat: JSON frames in, validated; hub events out as JSON. */
export function wsHandlers(hub: Hub, limits: Limits, tokens: ResumeTokens): WebSocketHandler<WsData> {
  const send = (ws: ServerWebSocket<WsData>, json: string) => {
    ws.send(json);
    // Bun buffers what the client has not read; one that stops reading must not grow our memory.
    if (ws.getBufferedAmount() > limits.maxOutboundBytes) {
      hub.log.warn("slow consumer disconnected", { transport: "ws", remote: ws.data.remote });
      ws.close(CLOSE_POLICY, "Too far behind");
    }
  };
  const error = (ws: ServerWebSocket<WsData>, code: string, message: string) =>
    send(ws, JSON.stringify({ type: "error", code, message }));

  return {
    // Bun drops oversized frames without a close code; we check the configured limit ourselves
    // and answer 1009, leaving Bun's own cap only for what no client should ever send.
    maxPayloadLength: FRAME_BYTES_CAP,
    // What is published to a room's topic is not seen by send() below: Bun itself drops a socket
    // that falls this far behind. The limit is the one at start; a reload reaches send()'s check only.
    backpressureLimit: limits.maxOutboundBytes,
    closeOnBackpressureLimit: true,
    open(ws) {
      ws.subscribe(ANCHOR_TOPIC);
      ws.data.session = hub.connect({
        transport: "ws",
        remote: ws.data.remote,
        send: (event: ChatEvent) => {
          // The welcome is the one frame that differs per session: it carries the resume token.
          if (event.type === "welcome") send(ws, JSON.stringify({ ...toFrame(event), token: tokens.issue(ws.data.session.user!) }));
          // The password changed, which voids the old token: this session gets a new one.
          else if (event.type === "credentials") send(ws, JSON.stringify({ type: "token", token: tokens.issue(ws.data.session.user!) }));
          else send(ws, renderJson(event));
        },
        close: (reason) => (reason === undefined ? ws.close(1000, "Bye") : ws.close(CLOSE_POLICY, truncateBytes(reason, CLOSE_REASON_MAX_BYTES))),
        topics: {
          subscribe: (topic) => {
            // A socket already closing would hear nothing more anyway.
            if (ws.readyState === WebSocket.OPEN) ws.subscribe(topic);
          },
          unsubscribe: (topic) => ws.unsubscribe(topic),
        },
      }, { watchesPresence: true });
      hub.log.info("connect", { transport: "ws", remote: ws.data.remote });
    },
    message(ws, data) {
      const tooBig = typeof data === "string" ? exceedsBytes(data, limits.maxFrameBytes) : data.length > limits.maxFrameBytes;
      if (tooBig) {
        return ws.close(CLOSE_TOO_BIG, `Frames are limited to ${limits.maxFrameBytes} bytes`);
      }
      if (typeof data !== "string") return error(ws, "bad_frame", "Binary frames are not supported; send JSON text");
      const parsed = parseFrame(data);
      if ("error" in parsed) return error(ws, "bad_frame", parsed.error);
      const { frame } = parsed;
      // Frames take effect in the order sent: a "say" right after "login" waits for the login.
      if (frame.type === "line") {
        // Before login there is no prompt to answer and nothing a line could do.
        if (!ws.data.session.user) return error(ws, "not_logged_in", "Send a login frame first");
        return hub.input(ws.data.session, frame.text);
      }
      const { session } = ws.data;
      return session.serially(() => hub.attempt(session, () => handle(hub, ws, frame, tokens, error)));
    },
    close(ws) {
      if (!ws.data.session.closed) hub.log.info("disconnect", { transport: "ws", remote: ws.data.remote });
      hub.disconnect(ws.data.session);
    },
  };
}

type ErrorSender = (ws: ServerWebSocket<WsData>, code: string, message: string) => void;

async function handle(hub: Hub, ws: ServerWebSocket<WsData>, frame: Exclude<ClientFrame, { type: "line" }>, tokens: ResumeTokens, error: ErrorSender) {
  const { session } = ws.data;
  if (frame.type === "login" || frame.type === "resume") {
    if (session.user) return error(ws, "already_logged_in", "This connection is already logged in");
    return login(hub, ws, frame, tokens, error);
  }
  if (!session.user) return error(ws, "not_logged_in", "Send a login frame first");
  const user = session.user;
  switch (frame.type) {
    case "say":
      return hub.post(session, frame.text);
    case "msg":
      return hub.whisper(session, frame.to, frame.text);
    case "join":
      return hub.join(session, frame.room);
    case "leave":
      return hub.leave(session);
    case "status":
      return hub.setStatus(session, frame.status, frame.note ?? "");
    case "history": {
      const target = frame.room !== undefined ? { room: frame.room } : { with: frame.with! };
      // A client's page size is a wish; the server's maximum decides.
      const limit = Math.min(frame.limit ?? hub.settings.limits.historyDefault, hub.settings.limits.historyMax);
      return session.send(await historyOf(hub, user, target, limit, frame.before));
    }
  }
}

async function login(hub: Hub, ws: ServerWebSocket<WsData>, frame: ClientFrame & { type: "login" | "resume" }, tokens: ResumeTokens, error: ErrorSender) {
  const { session } = ws.data;
  let user;
  if (frame.type === "login") {
    user = await passwordLogin(hub, session, frame.nick, frame.password);
    // The core has told the user, and put the session out after too many tries.
    if (!user) return;
  } else {
    const claims = tokens.verify(frame.token);
    user = claims && (await resumeLogin(hub, claims.nick, (u) => tokens.stillValid(claims, u)));
    if (!user) return error(ws, "bad_token", "The resume token is invalid or expired; log in again");
  }
  if (session.closed) return;
  await hub.enter(session, user, frame.type === "resume" ? { since: frame.since, room: frame.room } : undefined);
}
