import { Hono } from "hono";
import type { Config } from "./config/schema.ts";
import type { Gateway } from "./core/hub.ts";
import type { Log } from "./core/log.ts";
import type { Operator } from "./core/operator.ts";
import type { Lang } from "./core/types.ts";
import { metricsText } from "./http/metrics.ts";
import { wsHandlers, wsPublisher, type WsData } from "./ws.ts";
// Bun bundles the page's script and styles, and `bun build --compile` embeds them in the binary.
import webClient from "../web/index.html";
import { clientAddress } from "./http/forwarded.ts";
import { plainAddress } from "./tcp/proxy-protocol.ts";

/** Health, metrics, the login form's facts and the admin API. The web page and /ws are served beside it by Bun. */
export function createHttpApp(operator: Operator, log: Log, admin?: Hono<any>) {
  const app = new Hono();
  if (admin) app.route("/admin", admin);
  app.get("/healthz", async (c) => {
    const uptime = operator.uptimeSeconds();
    const store = await operator.storeHealth();
    if (store.healthy) return c.json({ status: "ok", uptime, store: store.kind });
    // The store's error can name hosts and users: the log gets it, the public endpoint does not.
    log.error("health check failed", { store: store.kind, error: store.error });
    return c.json({ status: "unavailable", uptime, store: store.kind }, 503);
  });
  // What the login form shows before anyone has logged in, as the telnet banner does.
  app.get("/info", (c) => c.json({ serverName: operator.info.serverName, motd: operator.info.motd }));
  app.get("/metrics", (c) => c.text(metricsText(operator.counters()), 200, { "content-type": "text/plain; version=0.0.4" }));
  return app;
}

export function startHttp(chat: Gateway, operator: Operator, config: Config, admin?: Hono<any>) {
  const trusted = new Set(config.trustedProxies.map(plainAddress));
  const app = createHttpApp(operator, chat.log, admin);
  const server = Bun.serve<WsData>({
    hostname: config.host,
    port: config.httpPort,
    development: false,
    routes: { "/": webClient },
    fetch(req, server) {
      const url = new URL(req.url);
      if (url.pathname !== "/ws") return app.fetch(req, server);
      const origin = req.headers.get("origin");
      if (origin !== null && !originAllowed(origin, req, config.web.allowedOrigins)) {
        chat.log.warn("websocket origin refused", { origin });
        return new Response(`Origin ${origin} may not open /ws\n`, { status: 403 });
      }
      const remote = clientAddress(server.requestIP(req), req.headers.get("x-forwarded-for"), trusted);
      const data = { remote, lang: preferredLang(req.headers.get("accept-language")) } as WsData;
      if (server.upgrade(req, { data })) return undefined;
      return new Response("Expected a WebSocket upgrade\n", { status: 426 });
    },
    websocket: wsHandlers(chat, config.limits),
  });
  // Registered before the event loop runs again, so before any socket can join a room.
  chat.publishRoomsVia("ws", wsPublisher(server));
  return server;
}

/**
 * A browser always sends Origin; only the server's own pages and configured ones may open /ws,
 * so another site cannot chat in a visitor's name. Non-browser clients send none and are allowed.
 */
function originAllowed(origin: string, req: Request, allowed: string[]): boolean {
  const host = req.headers.get("host");
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowed.includes(origin);
}

/** Spanish when the browser's first language is, English otherwise; a login frame's `lang` may say otherwise. */
export function preferredLang(header: string | null): Lang {
  const first = header?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("es") ? "es" : "en";
}
