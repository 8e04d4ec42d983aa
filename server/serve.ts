import { hostname } from "node:os";
import pkg from "../package.json" with { type: "json" };
import { adminApi, type AdminControl } from "./admin.ts";
import type { Config } from "./config/schema.ts";
import { createRegistry } from "./core/commands/index.ts";
import { Hub } from "./core/hub.ts";
import type { Log } from "./core/log.ts";
import { startupMotd } from "./core/motd.ts";
import { nickSkeleton } from "./core/nick-rules.ts";
import type { Store } from "./core/store.ts";
import { startHttp } from "./http.ts";
import type { LogFile } from "./log/log-file.ts";
import { argon2Passwords } from "./secrets/passwords.ts";
import { ResumeTokens } from "./secrets/resume-tokens.ts";
import { serverSecrets } from "./secrets/shared-secrets.ts";
import { MIGRATIONS } from "./store/migrations.ts";
import { embeddedStore } from "./store/pglite.ts";
import { startTcp } from "./tcp.ts";
import { addresses } from "./startup/addresses.ts";
import { writeAdminUrl } from "./startup/admin-url.ts";
import { listening, PORT_SETTINGS } from "./startup/errors.ts";
import { AcmeCertificates, AcmeChallenges, storedPair } from "./tls/acme.ts";
import { readTlsPair, type TlsPair } from "./tls/files.ts";
import { startTlsListeners, type TlsListeners } from "./tls/listeners.ts";
import { wsPublisher, type WsData } from "./ws.ts";
import type { Server, TCPSocketListener } from "bun";
import type { Hono } from "hono";

/** What `chat serve` adds to a server: its log file for `chat admin log`, and stop/restart/reload. */
export interface ServerOptions {
  logFile?: LogFile;
  control?: AdminControl;
  /** The MOTD `chat admin motd --reset` goes back to; the started config's by default. */
  configMotd?: () => string[];
  /** Says that the start will be slow, and why: stderr under `chat serve`; a test's server says nothing. */
  tell?: (line: string) => void;
  /**
   * Called just before `started` is printed. `chat serve` takes SIGINT and SIGTERM over here: a
   * signal sent on seeing the line must stop the server cleanly, not kill it (PostgreSQL would then
   * recover at the next start, which costs time and 16 MiB more memory, measured).
   */
  ready?: () => void;
}

export interface RunningServer {
  hub: Hub;
  /** For tests that make the store misbehave; the server itself reaches it only through the hub. */
  store: Store;
  tcpPort: number;
  httpPort: number;
  /** Present when TLS is on. */
  tlsPort?: number;
  httpsPort?: number;
  /**
   * Reads the certificate files of `tls` again (new TLS connections get them), and with tls.acme
   * checks at once when the block changed or there is no certificate yet. What it did, for the
   * reload's report; undefined when it did nothing.
   */
  reloadTls(tls: Config["tls"]): string | undefined;
  stop(options?: { restarting?: boolean }): Promise<void>;
}

function probePorts(config: Config): void {
  const ports = [["tcpPort", config.tcpPort], ["httpPort", config.httpPort]] as [keyof typeof PORT_SETTINGS, number][];
  if (config.tls) ports.push(["tlsPort", config.tlsPort], ["httpsPort", config.httpsPort]);
  for (const [what, port] of ports) {
    if (port !== 0) listening(what, config.host, port, () => Bun.listen({ hostname: config.host, port, socket: { data() {} } })).stop(true);
  }
}

/** The files `tls` names, or the certificate ACME obtained (none before the first one). */
function tlsPair(config: Config, tls: NonNullable<Config["tls"]>): TlsPair | undefined {
  return tls.acme ? storedPair(config.dataDir, tls.acme.domain) : readTlsPair(tls);
}

function startTls(config: Config, hub: Hub, admin: Hono<any>, servers: Set<Server<WsData>>, pair: TlsPair): TlsListeners {
  const hsts = config.tls!.hsts;
  return startTlsListeners({
    host: config.host,
    tlsPort: config.tlsPort,
    httpsPort: config.httpsPort,
    servers,
    telnet: (port, pair) => startTcp(hub, config.host, port, config.limits, { tls: pair, reusePort: true }),
    https: (port, pair) => startHttp(hub, hub.operator, config, admin, { port, tls: pair, hsts }),
  }, pair);
}

export async function openStore(config: Config, clusterNode?: string): Promise<Store> {
  // The driver is loaded only with a database URL: the embedded store's start does not evaluate it.
  if (!config.database) return embeddedStore(config.dataDir);
  const { postgresStore } = await import("./store/postgres.ts");
  return postgresStore(config.database, clusterNode);
}

/** `node.name`, or the host name and the telnet port. */
export function nodeName(config: Config): string {
  return config.node.name ?? `${hostname()}:${config.tcpPort}`;
}

/** Opens the store, applies migrations and starts both listeners. */
export async function startServer(config: Config, log: Log, options: ServerOptions = {}): Promise<RunningServer> {
  // A port in use is said at once, not after the database has been opened.
  probePorts(config);
  const node = nodeName(config);
  const clustered = config.cluster.enabled && config.database !== undefined;
  const store = await openStore(config, clustered ? node : undefined);
  store.reportTo(log);
  // One query on an up-to-date database; a migration of a big one may take minutes, and says so first.
  // A database with none applied yet is new and empty: making its tables is quick, not an upgrade.
  const pending = await store.pendingMigrations();
  if (pending) {
    if (pending < MIGRATIONS.length) {
      options.tell?.(`upgrading the database: applying ${pending} migration${pending === 1 ? "" : "s"} (on a large database this can take minutes)`);
    }
    const applied = await store.migrate();
    if (applied) log.info("migrations applied", { count: applied });
  }
  // Accounts made before look-alike nicks were refused get their skeleton (old look-alikes keep none).
  const skeletons = await store.fillSkeletons(nickSkeleton);
  if (skeletons) log.info("nick skeletons filled in", { count: skeletons });
  const secrets = await serverSecrets(config);
  let connections = (): Record<string, number> => ({});
  const link = clustered
    ? new (await import("./cluster/pg-link.ts")).PgClusterLink({ url: config.database!, node, ...config.cluster, connections: () => connections(), log })
    : null;
  const hub = new Hub({
    node,
    cluster: link,
    store,
    passwords: argon2Passwords(config.passwordHash),
    info: { serverName: config.serverName, motd: await startupMotd(store, config.motd) },
    limits: config.limits,
    commands: createRegistry(),
    tokens: new ResumeTokens(secrets.resume, config.web.resumeTokenHours * 3600_000),
    reservedNicks: config.reservedNicks,
    log,
  });
  connections = () => hub.operator.connections();
  await hub.cluster?.start();
  const admin = adminApi({
    operator: hub.operator, log, token: secrets.adminToken, allowRemote: config.admin.allowRemote, version: pkg.version,
    configMotd: () => config.motd, logFile: options.logFile, control: options.control,
    ...(options.configMotd ? { configMotd: options.configMotd } : {}),
  });
  const wsServers = new Set<Server<WsData>>();
  // Registered before the event loop runs again, so before any socket can join a room.
  hub.publishRoomsVia("ws", wsPublisher(wsServers));
  let tcp: TCPSocketListener<unknown> | undefined;
  let http: Server<WsData> | undefined;
  let tls: TlsListeners | undefined;
  // With tls.acme the plain port answers the CA's challenges, and TLS starts once a certificate is there.
  const challenges = config.tls?.acme ? new AcmeChallenges() : undefined;
  try {
    tcp = listening("tcpPort", config.host, config.tcpPort, () => startTcp(hub, config.host, config.tcpPort, config.limits, undefined, config.trustedProxies));
    http = listening("httpPort", config.host, config.httpPort, () => startHttp(hub, hub.operator, config, admin.app, undefined, challenges));
    wsServers.add(http);
    // With tls.acme, the certificate obtained before, if any.
    const pair = config.tls ? tlsPair(config, config.tls) : undefined;
    if (pair) tls = startTls(config, hub, admin.app, wsServers, pair);
  } catch (e) {
    // A port in use: what did start is closed, so the process can say why and exit.
    tcp?.stop(true);
    await http?.stop(true);
    admin.close();
    await hub.cluster?.stop();
    await store.close();
    throw e;
  }
  const ports = { tcpPort: tcp.port, httpPort: http.port!, tlsPort: tls?.tlsPort, httpsPort: tls?.httpsPort };
  // Before "started", so whoever waits for that line finds where `chat admin` should call.
  writeAdminUrl(config, ports);
  options.ready?.();
  log.info("started", { node, cluster: clustered, store: store.kind, ...ports, ...addresses(config, ports), dataDir: config.dataDir });
  const certificates = config.tls?.acme && new AcmeCertificates({
    settings: config.tls.acme, dataDir: config.dataDir, log, challenges: challenges!,
    install(pair) {
      if (tls) return tls.reload(pair);
      tls = startTls(config, hub, admin.app, wsServers, pair);
      log.info("tls started", { tlsPort: tls.tlsPort, httpsPort: tls.httpsPort });
    },
  });
  // Not awaited: the CA may take a while, and the plain ports serve meanwhile.
  void certificates?.start();
  let stopping: Promise<void> | null = null;
  const httpServer = http;
  const tcpListener = tcp;
  return {
    hub,
    store,
    ...ports,
    reloadTls(next) {
      const checking = certificates && next?.acme ? certificates.reload(next.acme) : false;
      const pair = tls && next && tlsPair(config, next);
      if (pair) tls!.reload(pair);
      if (checking) return "tls.acme (certificate being checked now)";
      return pair ? "tls (new connections get the certificate now in the files)" : undefined;
    },
    stop({ restarting = false } = {}) {
      stopping ??= (async () => {
        // Stop accepting first; open connections (WebSockets among them) stay to hear why.
        tcpListener.stop();
        certificates?.stop();
        tls?.stop();
        admin.close();
        // Not awaited: Bun's graceful stop waits for every open WebSocket, which may never close.
        void httpServer.stop();
        await hub.shutdown(restarting);
        // Whatever is still open once every session has been told and closed is cut.
        await Promise.all([httpServer.stop(true), tls?.close()]);
        // After every session has gone (and told the others): the node's row and its accounts go at once.
        await hub.cluster?.stop();
        await store.close();
        log.info("stopped");
      })();
      return stopping;
    },
  };
}
