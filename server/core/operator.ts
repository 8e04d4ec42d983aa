import type { ClusterLink, NodeInfo } from "./cluster-link.ts";
import type { Limits } from "./limits.ts";
import type { Moderation } from "./moderation.ts";
import { applyConfigMotd, motdSource, setMotd, type MotdSource, type ServerInfo } from "./motd.ts";
import type { Presence } from "./presence.ts";
import type { RateCounter } from "./rate.ts";
import type { Sessions } from "./sessions.ts";
import type { Stats } from "./stats.ts";
import type { Store } from "./store.ts";
import type { Status } from "./types.ts";

// What the operator's tools see and do: status, who is on, moderation, the MOTD, live settings,
// and the figures behind /healthz and /metrics. The admin API and the HTTP edge get this, not the hub.

export interface ServerStatus {
  /** This node's name (`node.name`), which tells nodes of a cluster apart. */
  node: string;
  /** Live nodes sharing the database; 1 alone. */
  nodes: number;
  uptimeSeconds: number;
  startedAt: string;
  store: StoreHealth;
  connections: Record<string, number>;
  usersOnline: number;
  rooms: { total: number; occupied: number };
  messagesStored: number | null;
  messagesPerSecond: number;
}

export interface StoreHealth {
  kind: string;
  healthy: boolean;
  /** For the log only: it can name hosts and users. */
  error?: string;
}

export interface SessionInfo {
  nick: string;
  status: Status;
  note: string;
  room: string | null;
  transport: string;
  remote: string;
  connectedAt: string;
}

/** Counters for /metrics. */
export interface Counters {
  node: string;
  connections: Record<string, number>;
  usersOnline: number;
  stats: Stats;
  uptimeSeconds: number;
}

export class Operator {
  readonly startedAt = new Date();

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly sessions: Pick<Sessions, "all">,
    readonly moderation: Moderation,
    readonly info: ServerInfo,
    readonly limits: Limits,
    private readonly stats: Stats,
    private readonly messageRate: RateCounter,
    /** This node's name, and the other nodes when it is one of a cluster. */
    readonly cluster: { node: string; link: Pick<ClusterLink, "publish" | "nodes"> | null } = { node: "chat", link: null },
  ) {}

  /** The live nodes; this one alone when there is no cluster. */
  async nodes(): Promise<NodeInfo[]> {
    if (this.cluster.link) return this.cluster.link.nodes();
    const connections = this.connections();
    return [{ name: this.cluster.node, startedAt: this.startedAt.toISOString(), heartbeatAt: new Date().toISOString(), users: this.presence.size, connections }];
  }

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt.getTime()) / 1000);
  }

  /** Whether the store answers; the reason when it does not is for the log, not for the caller. */
  async storeHealth(): Promise<StoreHealth> {
    try {
      await this.store.ping();
      return { kind: this.store.kind, healthy: true };
    } catch (e) {
      return { kind: this.store.kind, healthy: false, error: String(e) };
    }
  }

  /** Open connections by transport, logged in or not; both transports listed even at zero. */
  connections(): Record<string, number> {
    const connections: Record<string, number> = { tcp: 0, ws: 0 };
    for (const s of this.sessions.all) connections[s.sink.transport] = (connections[s.sink.transport] ?? 0) + 1;
    return connections;
  }

  counters(): Counters {
    return { node: this.cluster.node, connections: this.connections(), usersOnline: this.presence.size, stats: this.stats, uptimeSeconds: this.uptimeSeconds() };
  }

  async status(): Promise<ServerStatus> {
    let store: StoreHealth = { kind: this.store.kind, healthy: true };
    let messagesStored: number | null = null;
    let rooms = { total: 0, occupied: 0 };
    try {
      await this.store.ping();
      messagesStored = await this.store.countMessages();
      const list = await this.store.listRooms();
      rooms = { total: list.length, occupied: list.filter((r) => this.presence.membersOnline(r.room.id) > 0).length };
    } catch (e) {
      // A sick store is exactly what status must still report.
      store = { kind: this.store.kind, healthy: false, error: String(e) };
    }
    let nodes = 1;
    try {
      nodes = (await this.nodes()).length;
    } catch {}
    return {
      node: this.cluster.node,
      nodes,
      uptimeSeconds: this.uptimeSeconds(),
      startedAt: this.startedAt.toISOString(),
      store,
      connections: this.connections(),
      usersOnline: this.presence.size,
      rooms,
      messagesStored,
      messagesPerSecond: Math.round(this.messageRate.perSecond() * 100) / 100,
    };
  }

  /** Logged-in sessions, by nick then by connection time. */
  onlineSessions(): SessionInfo[] {
    return [...this.sessions.all]
      .filter((s) => s.user)
      .sort((a, b) => a.user!.nick.localeCompare(b.user!.nick) || a.connectedAt.getTime() - b.connectedAt.getTime())
      .map((s) => ({
        nick: s.user!.nick,
        status: s.user!.status,
        note: s.user!.statusNote,
        room: s.room?.name ?? null,
        transport: s.sink.transport,
        remote: s.sink.remote,
        connectedAt: s.connectedAt.toISOString(),
      }));
  }

  motd(): Promise<{ motd: string[]; source: MotdSource }> {
    return motdSource(this.store).then((source) => ({ motd: this.info.motd, source }));
  }

  async setMotd(text: string | null, fallback: string[]): Promise<string[]> {
    const motd = await setMotd(this.store, this.info, text, fallback);
    this.cluster.link?.publish({ t: "motd", motd });
    return motd;
  }

  /** A re-read config's MOTD, unless the operator's is in force; says whether it was applied. */
  applyConfigMotd(lines: string[]): Promise<boolean> {
    return applyConfigMotd(this.store, this.info, lines);
  }
}
