import { Hono } from "hono";
import type { adminApi } from "./admin.ts";
import type { Config } from "./config/schema.ts";
import type { Hub } from "./core/hub.ts";
import { storeHealth, uptimeSeconds } from "./core/server-status.ts";
import { metricsText } from "./http/metrics.ts";
import { ResumeTokens } from "./secrets/resume-tokens.ts";
import { wsHandlers, wsPublisher, type WsData } from "./ws.ts";
// Bun bundles the page's script and styles, and `bun build --compile` embeds them in the binary.
import webClient from "../web/index.html";

/** Health, metrics and the admin API. The web page and /ws are served beside it by Bun. */
export function createHttpApp(hub: Hub, admin?: ReturnType<typeof adminApi>["app"]) {
  const app = new Hono();
  if (admin) app.route("/admin", admin);
  app.get("/healthz", async (c) => {
    const uptime = uptimeSeconds(hub);
    const store = await storeHealth(hub);
    if (store.healthy) return c.json({ status: "ok", uptime, store: store.kind });
    // The store's error can name hosts and users: the log gets it, the public endpoint does not.
    hub.log.error("health check failed", { store: store.kind, error: store.error });
    return c.json({ status: "unavailable", uptime, store: store.kind }, 503);
  });
  // What the login form shows before anyone has logged in, as the telnet banner does.
  app.get("/info", (c) => c.json({ serverName: hub.settings.serverName, motd: hub.settings.motd }));
  app.get("/metrics", (c) => c.text(metricsText(hub), 200, { "content-type": "text/plain; version=0.0.4" }));
  return app;
}

export function startHttp(hub: Hub, config: Config, admin?: ReturnType<typeof adminApi>["app"]) {
  const app = createHttpApp(hub, admin);
  const tokens = ResumeTokens.inDataDir(config.dataDir, config.web.resumeTokenHours);
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
        hub.log.warn("websocket origin refused", { origin });
        return new Response(`Origin ${origin} may not open /ws\n`, { status: 403 });
      }
      const remote = server.requestIP(req);
      const data = { remote: remote ? `${remote.address}:${remote.port}` : "unknown" } as WsData;
      if (server.upgrade(req, { data })) return undefined;
      return new Response("Expected a WebSocket upgrade\n", { status: 426 });
    },
    websocket: wsHandlers(hub, config.limits, tokens),
  });
  // Registered before the event loop runs again, so before any socket can join a room.
  hub.publishRoomsVia("ws", wsPublisher(server));
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
