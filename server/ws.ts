import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { Gateway } from "./core/hub.ts";
import { FRAME_BYTES_CAP, type Limits } from "./core/limits.ts";
import { notice } from "./core/notices.ts";
import type { Publisher } from "./core/rooms.ts";
import type { Session } from "./core/session.ts";
import { exceedsBytes, truncateBytes } from "./core/text.ts";
import type { Lang } from "./core/types.ts";
import { say } from "./render/i18n/index.ts";
import { renderJson } from "./render/json.ts";
import { CLOSE_POLICY, CLOSE_TOO_BIG } from "./ws/protocol.ts";

export interface WsData {
  remote: string;
  /** The browser's language (Accept-Language), until the account says otherwise. */
  lang: Lang;
  session: Session;
}

// RFC 6455: a close frame's reason fits in 123 bytes.
const CLOSE_REASON_MAX_BYTES = 123;
// Every socket stays subscribed to this topic, which nothing is published to: Bun forgets what it
// has published to a socket but not yet written when the socket leaves its last topic, and a
// message sent to a room just before its member moves on must still reach them.
const ANCHOR_TOPIC = "anchor";

/**
 * Room messages for the web: rendered once (they read the same in every language), then each
 * HTTP server (plain, TLS, and a TLS one replaced at a certificate reload whose sockets are still
 * open) writes the frame to its subscribed sockets.
 */
export function wsPublisher(servers: ReadonlySet<Server<WsData>>): Publisher {
  return (topic, event) => {
    const frame = renderJson(event, "en");
    for (const server of servers) server.publish(topic, frame);
  };
}

/** WebSocket chat: JSON frames in, handed to the core as they are; the core's events out as JSON. */
export function wsHandlers(chat: Gateway, limits: Limits): WebSocketHandler<WsData> {
  const send = (ws: ServerWebSocket<WsData>, json: string) => {
    ws.send(json);
    // Bun buffers what the client has not read; one that stops reading must not grow our memory.
    if (ws.getBufferedAmount() > limits.maxOutboundBytes) {
      chat.log.warn("slow consumer disconnected", { transport: "ws", remote: ws.data.remote });
      ws.close(CLOSE_POLICY, "Too far behind");
    }
  };

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
      const session = chat.connect({
        transport: "ws",
        remote: ws.data.remote,
        send: (event) => send(ws, renderJson(event, session.lang)),
        close: (reason) => {
          if (reason === undefined) return ws.close(1000, "Bye");
          ws.close(CLOSE_POLICY, truncateBytes(say(session.lang, reason), CLOSE_REASON_MAX_BYTES));
        },
        topics: {
          subscribe: (topic) => {
            // A socket already closing would hear nothing more anyway.
            if (ws.readyState === WebSocket.OPEN) ws.subscribe(topic);
          },
          unsubscribe: (topic) => ws.unsubscribe(topic),
        },
      }, { seesAllRooms: true, lang: ws.data.lang });
      ws.data.session = session;
      chat.log.info("connect", { transport: "ws", remote: ws.data.remote });
    },
    message(ws, data) {
      const { session } = ws.data;
      const tooBig = typeof data === "string" ? exceedsBytes(data, limits.maxFrameBytes) : data.length > limits.maxFrameBytes;
      if (tooBig) return ws.close(CLOSE_TOO_BIG, `Frames are limited to ${limits.maxFrameBytes} bytes`);
      if (typeof data !== "string") return chat.refuse(session, notice("bad_frame", { detail: "binary frames are not supported; send JSON text" }));
      let fields: unknown;
      try {
        fields = JSON.parse(data);
      } catch {
        return chat.refuse(session, notice("bad_frame", { detail: "not valid JSON" }));
      }
      if (typeof fields !== "object" || fields === null || Array.isArray(fields)) {
        return chat.refuse(session, notice("bad_frame", { detail: "a frame is a JSON object" }));
      }
      return chat.frame(session, fields as Record<string, unknown>);
    },
    close(ws) {
      // Refused while opening (too many connections from its address): the core has ended it.
      if (!ws.data.session) return;
      if (!ws.data.session.closed) chat.log.info("disconnect", { transport: "ws", remote: ws.data.remote });
      chat.disconnect(ws.data.session);
    },
  };
}
