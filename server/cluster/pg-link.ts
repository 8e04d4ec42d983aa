import postgres from "postgres";
import type { ClusterLink, ClusterListener, ClusterTotals, ControlEvent, ForeignMessage, NodeInfo } from "../core/cluster-link.ts";
import type { Log } from "../core/log.ts";
import { foldKey } from "../core/names.ts";
import type { RemoteUser } from "../core/presence.ts";
import type { NewMessage } from "../core/types.ts";
import { toMessage, type MessageRow } from "../store/rows.ts";
import { MESSAGE_COLUMNS, MESSAGES_CHANNEL } from "../store/statements.ts";
import { storedBatch } from "./wake.ts";

// The cluster's side of PostgreSQL: one LISTEN connection (postgres.js gives it its own and
// listens again after a reconnection), a small pool for catch-up reads, heartbeats and presence
// rows, and the timers. Messages are stored by the store itself (SqlStore with a cluster node),
// whose statement wakes the nodes on MESSAGES_CHANNEL.

const CONTROL_CHANNEL = "chat_control";
// NOTIFY payloads are capped at 8,000 bytes; a bigger event is replaced by "read it all again".
const MAX_PAYLOAD = 7_900;

export interface PgLinkOptions {
  url: string;
  node: string;
  heartbeatSeconds: number;
  deadAfterSeconds: number;
  pollSeconds: number;
  /** Open connections by transport, reported with each heartbeat. */
  connections: () => Record<string, number>;
  log: Log;
}

export class PgClusterLink implements ClusterLink {
  readonly node: string;
  private readonly sql: postgres.Sql;
  private listener: ClusterListener | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  /** Presence rows and control events go out one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  lastTotals: ClusterTotals | null = null;

  constructor(private readonly options: PgLinkOptions) {
    this.node = options.node;
    // Two for reads and writes, plus the LISTEN connection postgres.js opens for itself.
    this.sql = postgres(options.url, { max: 2, onnotice: () => {}, connect_timeout: 10 });
  }

  async start(listener: ClusterListener) {
    this.listener = listener;
    const { sql, node } = this;
    await sql`INSERT INTO nodes (name) VALUES (${node})
              ON CONFLICT (name) DO UPDATE SET started_at = now(), heartbeat_at = now(), connections = '{}'`;
    // A node restarting under the same name: its earlier accounts are gone, and the others hear so.
    await sql`DELETE FROM sessions WHERE node = ${node}`;
    await this.notify({ t: "bye" });
    await sql.listen(MESSAGES_CHANNEL, (payload) => this.woken(payload), () => listener.resync());
    await sql.listen(CONTROL_CHANNEL, (payload) => this.heard(payload), () => listener.resync());
    // Unref'd: the listeners keep a running server alive, and a server that failed to start must be free to exit.
    this.timers.push(setInterval(() => listener.poll(), this.options.pollSeconds * 1000).unref());
    this.timers.push(setInterval(() => void this.heartbeat(), this.options.heartbeatSeconds * 1000).unref());
    await this.totals();
  }

  async stop() {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.chain;
    try {
      // Its sessions go with it (ON DELETE CASCADE); the others put its users offline at once.
      await this.sql`DELETE FROM nodes WHERE name = ${this.node}`;
      await this.notify({ t: "bye" });
    } catch (e) {
      this.options.log.error("cluster: leaving failed", { error: String(e) });
    }
    await this.sql.end({ timeout: 5 });
  }

  async lastMessageId() {
    const [row] = await this.sql`SELECT coalesce(max(id), 0) AS id FROM messages`;
    return Number(row!.id);
  }

  async messagesAfter(cursor: number, limit: number): Promise<ForeignMessage[]> {
    const rows = await this.sql.unsafe<(MessageRow & { sender_id: string; room_id: string | null; recipient_id: string | null })[]>(
      `SELECT m.sender_id, m.room_id, m.recipient_id, ${MESSAGE_COLUMNS} WHERE m.id > $1 ORDER BY m.id LIMIT $2`,
      [cursor, limit], { prepare: true },
    );
    return rows.map((r) => {
      const message = toMessage(r);
      const sent: NewMessage = { kind: message.kind, senderId: Number(r.sender_id), from: message.from, text: message.text };
      if (r.room_id !== null) Object.assign(sent, { roomId: Number(r.room_id), room: message.room });
      if (r.recipient_id !== null) Object.assign(sent, { recipientId: Number(r.recipient_id), to: message.to });
      // Delivery needs only who is named, by nick.
      if (message.mentions) sent.mentions = message.mentions.map((nick) => ({ id: 0, nick }));
      return { message, sent };
    });
  }

  publish(event: ControlEvent, account?: { nick: string; user: RemoteUser | null }) {
    this.chain = this.chain.then(async () => {
      if (this.stopped) return;
      if (account) {
        const key = foldKey(account.nick);
        if (account.user) {
          await this.sql`INSERT INTO sessions (node, nick_key, info) VALUES (${this.node}, ${key}, ${JSON.stringify(account.user)}::text::jsonb)
                         ON CONFLICT (node, nick_key) DO UPDATE SET info = EXCLUDED.info`;
        } else {
          await this.sql`DELETE FROM sessions WHERE node = ${this.node} AND nick_key = ${key}`;
        }
      }
      await this.notify(event);
    }).catch((e) => this.options.log.error("cluster: publish failed", { error: String(e) }));
  }

  async remoteUsers() {
    const rows = await this.sql<{ node: string; info: string | RemoteUser }[]>`
      SELECT s.node, s.info::text AS info FROM sessions s JOIN nodes n ON n.name = s.node WHERE s.node <> ${this.node}`;
    return rows.map((r) => ({ node: r.node, user: fromJsonb<RemoteUser>(r.info) }));
  }

  async nodes(): Promise<NodeInfo[]> {
    const rows = await this.sql<{ name: string; started_at: Date; heartbeat_at: Date; connections: string; users: number }[]>`
      SELECT n.name, n.started_at, n.heartbeat_at, n.connections::text AS connections,
             (SELECT count(*) FROM sessions s WHERE s.node = n.name)::int AS users
        FROM nodes n ORDER BY n.name`;
    return rows.map((r) => ({
      name: r.name, startedAt: new Date(r.started_at).toISOString(), heartbeatAt: new Date(r.heartbeat_at).toISOString(),
      users: r.users, connections: fromJsonb(r.connections),
    }));
  }

  async totals(): Promise<ClusterTotals> {
    const [nodes, [users]] = await Promise.all([
      this.sql<{ name: string; connections: string }[]>`SELECT name, connections::text AS connections FROM nodes`,
      this.sql<{ n: number }[]>`SELECT count(DISTINCT s.nick_key)::int AS n FROM sessions s JOIN nodes n ON n.name = s.node`,
    ]);
    const connections: Record<string, number> = {};
    const add = (by: Record<string, number>) => {
      for (const [transport, n] of Object.entries(by)) connections[transport] = (connections[transport] ?? 0) + n;
    };
    add(this.options.connections());
    for (const row of nodes) if (row.name !== this.node) add(fromJsonb(row.connections));
    // This node counts even while the others think it dead (its row is back at its next heartbeat).
    const count = nodes.length + (nodes.some((r) => r.name === this.node) ? 0 : 1);
    this.lastTotals = { nodes: count, usersOnline: users!.n, connections };
    return this.lastTotals;
  }

  /** Says this node is alive, and declares dead the nodes silent for too long (by the database's clock). */
  private async heartbeat() {
    if (this.stopped) return;
    try {
      const { sql, node } = this;
      const connections = JSON.stringify(this.options.connections());
      const alive = await sql`UPDATE nodes SET heartbeat_at = now(), connections = ${connections}::text::jsonb WHERE name = ${node} RETURNING 1`;
      if (alive.length === 0) {
        // The others thought this node dead (it was paused, or cut off) and dropped its accounts.
        this.options.log.warn("cluster: this node had been declared dead; joining again", { node });
        await sql`INSERT INTO nodes (name, connections) VALUES (${node}, ${connections}::text::jsonb) ON CONFLICT (name) DO NOTHING`;
        this.listener?.rejoin();
      }
      const dead = await sql<{ name: string }[]>`
        DELETE FROM nodes WHERE name <> ${node} AND heartbeat_at < now() - make_interval(secs => ${this.options.deadAfterSeconds})
        RETURNING name`;
      if (dead.length > 0) {
        const names = dead.map((d) => d.name);
        this.options.log.warn("cluster: nodes declared dead", { nodes: names });
        for (const name of names) await sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${JSON.stringify({ from: name, e: { t: "bye" } })})`;
        this.listener?.nodesGone(names);
      }
      await this.totals();
    } catch (e) {
      this.options.log.error("cluster: heartbeat failed", { error: String(e) });
    }
  }

  private async notify(event: ControlEvent) {
    let payload = JSON.stringify({ from: this.node, e: event });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) payload = JSON.stringify({ from: this.node, e: { t: "reload" } });
    await this.sql`SELECT pg_notify(${CONTROL_CHANNEL}, ${payload})`;
  }

  /** A batch stored by some node (server/cluster/wake.ts); anything else (a node of another version) means reading. */
  private woken(payload: string) {
    const batch = storedBatch(payload);
    if (batch) this.listener?.committed(batch);
    else this.listener?.poll();
  }

  private heard(payload: string) {
    let parsed: { from: string; e: ControlEvent };
    try {
      parsed = JSON.parse(payload);
    } catch {
      this.options.log.warn("cluster: unreadable control event", { payload: payload.slice(0, 200) });
      return;
    }
    if (parsed.from === this.node) return;
    try {
      this.listener?.control(parsed.from, parsed.e);
    } catch (e) {
      this.options.log.error("cluster: control event failed", { error: String(e) });
    }
  }
}

/**
 * A jsonb column read as text. Until this was found (a JSON string passed to `${…}::jsonb` is
 * encoded again by postgres.js), nodes wrote their rows as JSON strings holding the JSON: a node
 * of that version may still share the database, so a string is read once more.
 */
function fromJsonb<T = Record<string, number>>(text: string | object): T {
  const value = typeof text === "string" ? JSON.parse(text) : text;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
