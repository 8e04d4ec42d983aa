import type { AccountAdmin } from "./account-admin.ts";
import type { ClusterLink, ClusterTotals, NodeInfo } from "./cluster-link.ts";
import type { StoreHealth as Health } from "./health.ts";
import { fail } from "./errors.ts";
import type { Limits } from "./limits.ts";
import type { Moderation } from "./moderation.ts";
import { applyConfigMotd, motdSource, setMotd, type MotdSource, type ServerInfo } from "./motd.ts";
import type { Presence } from "./presence.ts";
import type { RateCounter } from "./rate.ts";
import type { RoomAdmin } from "./room-admin.ts";
import type { Sessions } from "./sessions.ts";
import type { Stats } from "./stats.ts";
import { nickSkeleton } from "./nick-rules.ts";
import type { AccountListing, Store } from "./store.ts";
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
  /** Every live node together (this one included), when this node is one of a cluster. */
  cluster?: ClusterTotals;
}

export interface StoreHealth {
  kind: string;
  healthy: boolean;
  /** When it last went down or came back. */
  since: string;
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
  store: StoreHealth;
  /** Every live node together, as of this node's last heartbeat, when it is one of a cluster. */
  cluster: ClusterTotals | null;
}

/** An account in `chat admin accounts`: with whether it is banned, and the accounts it looks like. */
export interface AccountInfo extends AccountListing {
  banned: boolean;
  lookalikes?: string[];
}

/** The most accounts one listing shows; a pattern narrows it. */
export const ACCOUNTS_LIST_MAX = 1000;

export class Operator {
  readonly startedAt = new Date();

  constructor(
    private readonly store: Store,
    private readonly health: Pick<Health, "state">,
    private readonly presence: Presence,
    private readonly sessions: Pick<Sessions, "all">,
    readonly moderation: Moderation,
    readonly info: ServerInfo,
    readonly limits: Limits,
    private readonly stats: Stats,
    private readonly messageRate: RateCounter,
    /** `chat admin password|rename|delete`. */
    readonly accountAdmin: AccountAdmin,
    /** `chat admin rooms|room delete`, and the pruning of long-empty rooms. */
    readonly rooms: RoomAdmin,
    /** Nicks nobody may register (config `reservedNicks`); reload replaces `nicks`. */
    readonly reserved: { nicks: string[] },
    /** This node's name, and the other nodes when it is one of a cluster. */
    readonly cluster: { node: string; link: Pick<ClusterLink, "publish" | "nodes" | "totals" | "lastTotals"> | null } = { node: "chat", link: null },
  ) {}

  /** The live nodes; this one alone when there is no cluster. */
  async nodes(): Promise<NodeInfo[]> {
    if (this.cluster.link) return this.cluster.link.nodes();
    const connections = this.connections();
    return [{ name: this.cluster.node, startedAt: this.startedAt.toISOString(), heartbeatAt: new Date().toISOString(), users: this.presence.size, connections }];
  }

  /**
   * Accounts matching `pattern`; with `collisions`, only those that look like another account
   * (made before look-alikes were refused: they keep working), each with the others it looks like.
   */
  async accounts(pattern: string, collisions: boolean): Promise<AccountInfo[]> {
    const banned = new Set((await this.moderation.activeBans()).map((b) => b.nick.toLowerCase()));
    let listed = await this.store.listAccounts(pattern, collisions ? Number.MAX_SAFE_INTEGER : ACCOUNTS_LIST_MAX);
    const groups = new Map<string, string[]>();
    if (collisions) {
      for (const a of listed) {
        const key = nickSkeleton(a.nick);
        groups.set(key, [...(groups.get(key) ?? []), a.nick]);
      }
      listed = listed.filter((a) => groups.get(nickSkeleton(a.nick))!.length > 1);
    }
    return listed.map((a) => ({
      ...a,
      banned: banned.has(a.nick.toLowerCase()),
      ...(collisions ? { lookalikes: groups.get(nickSkeleton(a.nick))!.filter((n) => n !== a.nick) } : {}),
    }));
  }

  uptimeSeconds(): number {
    return Math.floor((Date.now() - this.startedAt.getTime()) / 1000);
  }

  /**
   * Whether the store answers, as last seen (at most ~2 s ago), never waiting on the store itself:
   * /healthz must answer at once under any load. The reason it is down is for the log and the operator.
   */
  storeHealth(): StoreHealth {
    const { healthy, since, error } = this.health.state;
    return { kind: this.store.kind, healthy, since: since.toISOString(), ...(error === undefined ? {} : { error }) };
  }

  /** Open connections by transport, logged in or not; both transports listed even at zero. */
  connections(): Record<string, number> {
    const connections: Record<string, number> = { tcp: 0, ws: 0 };
    for (const s of this.sessions.all) connections[s.sink.transport] = (connections[s.sink.transport] ?? 0) + 1;
    return connections;
  }

  counters(): Counters {
    return { node: this.cluster.node, connections: this.connections(), usersOnline: this.presence.size, stats: this.stats, uptimeSeconds: this.uptimeSeconds(), store: this.storeHealth(),
      cluster: this.cluster.link?.lastTotals ?? null };
  }

  async status(): Promise<ServerStatus> {
    let store = this.storeHealth();
    let messagesStored: number | null = null;
    let rooms = { total: 0, occupied: 0 };
    try {
      messagesStored = await this.store.countMessages();
      const list = await this.store.listRooms();
      rooms = { total: list.length, occupied: list.filter((r) => this.presence.membersOnline(r.room.id) > 0).length };
    } catch (e) {
      // A sick store is exactly what status must still report.
      if (store.healthy) store = { ...store, healthy: false, error: String(e) };
    }
    let cluster: ClusterTotals | undefined;
    try {
      cluster = await this.cluster.link?.totals();
    } catch {}
    return {
      node: this.cluster.node,
      nodes: cluster?.nodes ?? 1,
      uptimeSeconds: this.uptimeSeconds(),
      startedAt: this.startedAt.toISOString(),
      store,
      connections: this.connections(),
      usersOnline: this.presence.size,
      rooms,
      messagesStored,
      messagesPerSecond: Math.round(this.messageRate.perSecond() * 100) / 100,
      ...(cluster ? { cluster } : {}),
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

  /** `chat admin backup`: the embedded store's data folder, taken while the chat runs. */
  async backup(): Promise<Blob> {
    const tarball = await this.store.snapshot();
    if (!tarball) throw fail("bad_request", { detail: "a real PostgreSQL server is backed up with pg_dump (see the README)" });
    return tarball;
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
