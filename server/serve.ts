import { hostname } from "node:os";
import pkg from "../package.json" with { type: "json" };
import { adminApi, type AdminControl } from "./admin.ts";
import type { Config } from "./config/schema.ts";
import { createRegistry } from "./core/commands/index.ts";
import { Hub } from "./core/hub.ts";
import type { Log } from "./core/log.ts";
import { startupMotd } from "./core/motd.ts";
import type { Store } from "./core/store.ts";
import { PgClusterLink } from "./cluster/pg-link.ts";
import { startHttp } from "./http.ts";
import type { LogFile } from "./log/log-file.ts";
import { bunPasswords } from "./secrets/passwords.ts";
import { ResumeTokens } from "./secrets/resume-tokens.ts";
import { serverSecrets } from "./secrets/shared-secrets.ts";
import { embeddedStore } from "./store/pglite.ts";
import { postgresStore } from "./store/postgres.ts";
import { startTcp } from "./tcp.ts";

/** What `chat serve` adds to a server: its log file for `chat admin log`, and stop/restart/reload. */
export interface ServerOptions {
  logFile?: LogFile;
  control?: AdminControl;
  /** The MOTD `chat admin motd --reset` goes back to; the started config's by default. */
  configMotd?: () => string[];
}

export interface RunningServer {
  hub: Hub;
  /** For tests that make the store misbehave; the server itself reaches it only through the hub. */
  store: Store;
  tcpPort: number;
  httpPort: number;
  stop(options?: { restarting?: boolean }): Promise<void>;
}

export async function openStore(config: Config, clusterNode?: string): Promise<Store> {
  return config.database ? postgresStore(config.database, clusterNode) : embeddedStore(config.dataDir);
}

/** `node.name`, or the host name and the telnet port. */
export function nodeName(config: Config): string {
  return config.node.name ?? `${hostname()}:${config.tcpPort}`;
}

/** Opens the store, applies migrations and starts both listeners. */
export async function startServer(config: Config, log: Log, options: ServerOptions = {}): Promise<RunningServer> {
  const node = nodeName(config);
  const clustered = config.cluster.enabled && config.database !== undefined;
  const store = await openStore(config, clustered ? node : undefined);
  const applied = await store.migrate();
  if (applied) log.info("migrations applied", { count: applied });
  const secrets = await serverSecrets(config);
  let connections = (): Record<string, number> => ({});
  const link = clustered
    ? new PgClusterLink({ url: config.database!, node, ...config.cluster, connections: () => connections(), log })
    : null;
  const hub = new Hub({
    node,
    cluster: link,
    store,
    passwords: bunPasswords,
    info: { serverName: config.serverName, motd: await startupMotd(store, config.motd) },
    limits: config.limits,
    commands: createRegistry(),
    tokens: new ResumeTokens(secrets.resume, config.web.resumeTokenHours * 3600_000),
    log,
  });
  connections = () => hub.operator.connections();
  await hub.cluster?.start();
  const tcp = startTcp(hub, config.host, config.tcpPort, config.limits, config.trustedProxies);
  const admin = adminApi({
    operator: hub.operator, log, token: secrets.adminToken, allowRemote: config.admin.allowRemote, version: pkg.version,
    configMotd: () => config.motd, ...options,
  });
  const http = startHttp(hub, hub.operator, config, admin.app);
  log.info("started", { node, cluster: clustered, store: store.kind, tcpPort: tcp.port, httpPort: http.port, dataDir: config.dataDir });
  let stopping: Promise<void> | null = null;
  return {
    hub,
    store,
    tcpPort: tcp.port,
    httpPort: http.port!,
    stop({ restarting = false } = {}) {
      stopping ??= (async () => {
        // Stop accepting first; open connections (WebSockets among them) stay to hear why.
        tcp.stop();
        admin.close();
        // Not awaited: Bun's graceful stop waits for every open WebSocket, which may never close.
        void http.stop();
        await hub.shutdown(restarting);
        // Whatever is still open once every session has been told and closed is cut.
        await http.stop(true);
        // After every session has gone (and told the others): the node's row and its accounts go at once.
        await hub.cluster?.stop();
        await store.close();
        log.info("stopped");
      })();
      return stopping;
    },
  };
}
