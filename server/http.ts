import { Hono } from "hono";
import type { adminApi } from "./admin/api.ts";
import type { Hub } from "./core/hub.ts";

/** The HTTP side: health now; the web client, WebSocket and admin API are mounted here too. */
export function createHttpApp(hub: Hub, admin?: ReturnType<typeof adminApi>["app"]) {
  const app = new Hono();
  if (admin) app.route("/admin", admin);
  app.get("/healthz", async (c) => {
    const uptime = Math.round((Date.now() - hub.startedAt.getTime()) / 1000);
    try {
      await hub.store.ping();
      return c.json({ status: "ok", uptime, store: hub.store.kind });
    } catch (e) {
      return c.json({ status: "unavailable", uptime, store: hub.store.kind, error: String(e) }, 503);
    }
  });
  return app;
}

export function startHttp(hub: Hub, host: string, port: number, admin?: ReturnType<typeof adminApi>["app"]) {
  const app = createHttpApp(hub, admin);
  return Bun.serve({ hostname: host, port, fetch: app.fetch });
}
