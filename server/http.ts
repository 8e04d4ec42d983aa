import { Hono } from "hono";
import type { Config } from "./config/schema.ts";
import type { Gateway } from "./core/hub.ts";
import type { Log } from "./core/log.ts";
import type { Operator } from "./core/operator.ts";
import type { Lang } from "./core/types.ts";
import { metricsText } from "./http/metrics.ts";
import { secured } from "./http/security.ts";
import { wsHandlers, type WsData } from "./ws.ts";
// Bun bundles the page's script and styles, and `bun build --compile` embeds them in the binary.
import webClient from "../web/index.html";
import { clientAddress } from "./http/forwarded.ts";
import { plainAddress } from "./tcp/proxy-protocol.ts";
import type { AcmeChallenges } from "./tls/acme.ts";

/** Health, metrics, the login form's facts and the admin API. The web page and /ws are served beside it by Bun. */
export function createHttpApp(operator: Operator, log: Log, admin?: Hono<any>, hsts = false, challenges?: AcmeChallenges) {
  const app = new Hono();
  // tls.acme's http-01 challenges: the CA fetches the key authorization of a token it gave.
  if (challenges) {
    app.get("/.well-known/acme-challenge/:token", (c) => {
      const answer = challenges.answer(c.req.param("token"));
      return answer === undefined ? c.text("No such challenge\n", 404) : c.text(answer);
    });
  }
  if (hsts) {
    // Bun serves the page itself (routes), so HSTS comes with every other answer, among them the
    // /info request the page makes at once: the browser learns it on its first visit either way.
    app.use(async (c, next) => {
      await next();
      c.header("strict-transport-security", HSTS);
    });
  }
  if (admin) app.route("/admin", admin);
  // The store's health as last seen (at most ~2 s old): never a query, so never queued behind one.
  app.get("/healthz", (c) => {
    const uptime = operator.uptimeSeconds();
    const store = operator.storeHealth();
    if (store.healthy) return c.json({ status: "ok", uptime, store: store.kind });
    // The store's error can name hosts and users: the log has it (once, when it went down), the public endpoint does not.
    return c.json({ status: "unavailable", uptime, store: store.kind, since: store.since }, 503);
  });
  // What the login form shows before anyone has logged in, as the telnet banner does.
  app.get("/info", (c) => c.json({ serverName: operator.info.serverName, motd: operator.info.motd }));
  app.get("/metrics", (c) => c.text(metricsText(operator.counters()), 200, { "content-type": "text/plain; version=0.0.4" }));
  return app;
}

// Where Bun serves the bundled page as it made it; "/" serves the same page with our headers, which
// Bun's HTML routes cannot add. Its scripts and styles are at absolute paths, so either place works.
const BUNDLED_PAGE = "/bundled/index.html";

/** HTTPS: the certificate, and Strict-Transport-Security on every answer when `hsts`. */
export interface HttpsListen {
  port: number;
  tls: { cert: string; key: string };
  hsts: boolean;
}

// A year, as browsers' preload lists ask; a site that turns TLS off again must first send max-age=0.
const HSTS = "max-age=31536000";

/**
 * The web page, /ws and the API on the plain HTTP port, or on the HTTPS one when `secure` is given.
 * The caller registers the server with the room publisher (see wsPublisher). A WebSocket from one of
 * `trustedProxies` gets the address its X-Forwarded-For names (http/forwarded.ts).
 */
export function startHttp(chat: Gateway, operator: Operator, config: Config, admin?: Hono<any>, secure?: HttpsListen, challenges?: AcmeChallenges) {
  const trusted = new Set(config.trustedProxies.map(plainAddress));
  const app = createHttpApp(operator, chat.log, admin, secure?.hsts, challenges);
  let page: Promise<{ body: string; type: string }> | undefined;
  const server = Bun.serve<WsData>({
    hostname: config.host,
    port: secure?.port ?? config.httpPort,
    ...(secure && { tls: secure.tls, reusePort: true }),
    development: false,
    routes: {
      [BUNDLED_PAGE]: webClient,
      "/": async () => {
        // Read from Bun's own route once; a failure is tried again at the next request.
        page ??= fetch(new URL(BUNDLED_PAGE, server.url)).then(async (r) => {
          if (!r.ok) throw new Error(`the bundled page answered ${r.status}`);
          return { body: await r.text(), type: r.headers.get("content-type") ?? "text/html;charset=utf-8" };
        }).catch((e) => {
          page = undefined;
          throw e;
        });
        const { body, type } = await page;
        const headers: Record<string, string> = { "content-type": type, "cache-control": "no-cache" };
        if (secure?.hsts) headers["strict-transport-security"] = HSTS;
        return secured(new Response(body, { headers }));
      },
    },
    async fetch(req, server) {
      // A request with no Host header (HTTP/1.0 allows it, and HAProxy's default health check is
      // one) arrives with a bare path for its URL; this server's origin makes it one to serve.
      if (req.url.startsWith("/")) req = new Request(new URL(req.url, server.url), req);
      const url = new URL(req.url);
      if (url.pathname !== "/ws") return secured(await app.fetch(req, server));
      const origin = req.headers.get("origin");
      if (origin !== null && !originAllowed(origin, req, config.web.allowedOrigins)) {
        chat.log.warn("websocket origin refused", { origin });
        return secured(new Response(`Origin ${origin} may not open /ws\n`, { status: 403 }));
      }
      const remote = clientAddress(server.requestIP(req), req.headers.get("x-forwarded-for"), trusted);
      const data = { remote, lang: preferredLang(req.headers.get("accept-language")) } as WsData;
      if (server.upgrade(req, { data })) return undefined;
      return secured(new Response("Expected a WebSocket upgrade\n", { status: 426 }));
    },
    websocket: wsHandlers(chat, config.limits),
  });
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
