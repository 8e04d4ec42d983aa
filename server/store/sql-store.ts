import { UNREAD_COUNT_CAP } from "../core/limits.ts";
import { DanglingReferenceError, type ReadTarget, type Store } from "../core/store.ts";
import type { ChatMessage, Membership, NewMessage } from "../core/types.ts";
import { migrate, pendingMigrations } from "./migrations.ts";
import type { SqlClient } from "./sql-client.ts";
import { carriedMessages } from "../cluster/wake.ts";
import { CLUSTER_INSERT, INSERT_MESSAGES, INSERT_NAMING, INSERT_NAMING_REMEMBERING, INSERT_REMEMBERING, MENTIONS, MESSAGE_COLUMNS, MISSING, NO_UPPER_BOUND, UNREAD_ROOM } from "./statements.ts";
import { toMessage, type MessageRow } from "./rows.ts";
import { SqlRooms } from "./sql-rooms.ts";
import { SqlSearch } from "./sql-search.ts";
import { SearchIndexer } from "./search-indexer.ts";
import type { Log } from "../core/log.ts";
import { throttledFailures } from "../log/failure-report.ts";
import { createLogger } from "../log/logger.ts";

// The one implementation of Store (memberships and messages here; rooms in SqlRooms, people in SqlAccounts);
// drivers differ only in the SqlClient they hand it.

export class SqlStore extends SqlRooms implements Store {
  private readonly search = new SqlSearch(this.db);
  /** Fills message_search after commits (sql/009); from the last indexed id when the store opens. */
  readonly searchIndexer = new SearchIndexer(this.db, throttledFailures(
    // A failed pass is tried again at the next message stored; search folds what is not indexed meanwhile.
    { failed: "search indexing failed", recovered: "search indexing works again" }, () => this.log));
  // stderr until the server hands over its log (reportTo), so a store opened without one loses nothing.
  private log: Log = createLogger([{ pretty: true, write: (line) => process.stderr.write(`chat: ${line}\n`) }]);

  /**
   * `clusterNode`: this store is one node of several sharing a real PostgreSQL; batches are stored
   * in commit order and announced under this name (see CLUSTER_INSERT).
   */
  constructor(readonly kind: Store["kind"], db: SqlClient, private readonly clusterNode?: string) {
    super(db);
  }

  reportTo(log: Log) {
    this.log = log;
  }

  async migrate(upTo?: number) {
    const applied = await migrate(this.db, upTo);
    // A server runs this as it opens its store: catch up with whatever is not indexed yet (all of
    // an upgraded database's messages). Not on a partial migration, which may lack message_search.
    if (upTo === undefined) this.searchIndexer.poke();
    return applied;
  }

  pendingMigrations() {
    return pendingMigrations(this.db);
  }

  async memberships(userId: number): Promise<Membership[]> {
    const rows = await this.db.query<Record<string, any>>(
      `SELECT r.id, r.name, mb.read_id, ${UNREAD_ROOM} AS unread, ${MENTIONS} AS mentions
         FROM memberships mb JOIN rooms r ON r.id = mb.room_id
        WHERE mb.user_id = $1 ORDER BY r.name_key`,
      [userId, UNREAD_COUNT_CAP],
    );
    return rows.map((r) => ({ room: { id: Number(r.id), name: r.name }, readId: Number(r.read_id), unread: r.unread, mentions: r.mentions }));
  }

  async join(userId: number, roomId: number) {
    // What is already in the room counts as read: the join replays it.
    const rows = await this.db.query(
      `INSERT INTO memberships (user_id, room_id, read_id)
       VALUES ($1, $2, coalesce((SELECT max(id) FROM messages WHERE room_id = $2), 0))
       ON CONFLICT DO NOTHING RETURNING 1`,
      [userId, roomId],
    );
    return rows.length > 0;
  }

  async leave(userId: number, roomId: number) {
    const rows = await this.db.query("DELETE FROM memberships WHERE user_id = $1 AND room_id = $2 RETURNING 1", [userId, roomId]);
    return rows.length > 0;
  }

  async markRead(userId: number, target: ReadTarget, messageId: number) {
    if ("roomId" in target) {
      await this.db.query("UPDATE memberships SET read_id = GREATEST(read_id, $3) WHERE user_id = $1 AND room_id = $2", [userId, target.roomId, messageId]);
      return;
    }
    await this.db.query(
      `INSERT INTO private_reads (user_id, peer_id, read_id) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, peer_id) DO UPDATE SET read_id = GREATEST(private_reads.read_id, EXCLUDED.read_id)`,
      [userId, target.peerId, messageId],
    );
  }

  async readState(userId: number, target: ReadTarget) {
    const rows = "roomId" in target
      ? await this.db.query<Record<string, any>>(
        `SELECT mb.read_id, ${UNREAD_ROOM} AS unread, ${MENTIONS} AS mentions FROM memberships mb WHERE mb.user_id = $1 AND mb.room_id = $3`,
        [userId, UNREAD_COUNT_CAP, target.roomId],
      )
      : await this.db.query<Record<string, any>>(
        `SELECT r.read_id, (SELECT count(*) FROM (SELECT 1 FROM messages m
                  WHERE m.recipient_id = $1 AND m.sender_id = $3 AND m.id > r.read_id LIMIT $2) u)::int AS unread, 0 AS mentions
           FROM (SELECT coalesce((SELECT read_id FROM private_reads WHERE user_id = $1 AND peer_id = $3), 0) AS read_id) r`,
        [userId, UNREAD_COUNT_CAP, target.peerId],
      );
    const r = rows[0];
    return { readId: Number(r?.read_id ?? 0), unread: Number(r?.unread ?? 0), mentions: Number(r?.mentions ?? 0) };
  }

  async privateConversations(userId: number, recent: number) {
    // Every conversation with something unread, and the most recent others, newest first.
    const rows = await this.db.query<Record<string, any>>(
      `WITH mine AS (
         SELECT CASE WHEN m.sender_id = $1 THEN m.recipient_id ELSE m.sender_id END AS peer_id, m.id, m.sender_id
           FROM messages m WHERE m.recipient_id = $1 OR (m.sender_id = $1 AND m.recipient_id IS NOT NULL)
       ), peers AS (
         SELECT mine.peer_id, max(mine.id) AS last_id, coalesce(pr.read_id, 0) AS read_id,
                least(count(*) FILTER (WHERE mine.sender_id <> $1 AND mine.id > coalesce(pr.read_id, 0)), $2)::int AS unread
           FROM mine LEFT JOIN private_reads pr ON pr.user_id = $1 AND pr.peer_id = mine.peer_id
          GROUP BY mine.peer_id, pr.read_id
       )
       SELECT u.id, u.nick, p.read_id, p.unread FROM peers p JOIN users u ON u.id = p.peer_id
        WHERE p.unread > 0 OR p.peer_id IN (SELECT peer_id FROM peers ORDER BY last_id DESC LIMIT $3)
        ORDER BY p.last_id DESC`,
      [userId, UNREAD_COUNT_CAP, recent],
    );
    return rows.map((r) => ({ peer: { id: Number(r.id), nick: r.nick }, readId: Number(r.read_id), unread: r.unread }));
  }

  async unreadPrivateMessages(userId: number, limit: number) {
    const unread = `messages m LEFT JOIN private_reads pr ON pr.user_id = $1 AND pr.peer_id = m.sender_id
      WHERE m.recipient_id = $1 AND m.id > coalesce(pr.read_id, 0)`;
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${unread}`, [userId]);
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} WHERE m.id IN (SELECT m.id FROM ${unread} ORDER BY m.id DESC LIMIT $2) ORDER BY m.id DESC`,
      [userId, limit],
    );
    return { messages: rows.reverse().map(toMessage), total: Number(count?.n ?? 0) };
  }

  async insertMessages(batch: NewMessage[]): Promise<ChatMessage[]> {
    if (batch.length === 0) return [];
    const users = new Set<number>();
    const rooms = new Set<number>();
    for (const m of batch) {
      users.add(m.senderId);
      if (m.recipientId != null) users.add(m.recipientId);
      if (m.roomId != null) rooms.add(m.roomId);
    }
    const named: [number[], number[], number[]] = [[], [], []];
    batch.forEach((m, i) => {
      for (const u of m.mentions ?? []) {
        named[0].push(i + 1);
        named[1].push(u.id);
        named[2].push(m.roomId!);
      }
    });
    const params = [
      batch.map((m) => m.senderId),
      batch.map((m) => m.roomId ?? null),
      batch.map((m) => m.recipientId ?? null),
      batch.map((m) => m.kind),
      batch.map((m) => m.text),
      [...users],
      [...rooms],
    ];
    const kept: [number[], number[], string[]] = [[], [], []];
    batch.forEach((m, i) => {
      if (m.cid === undefined) return;
      kept[0].push(i + 1);
      kept[1].push(m.senderId);
      kept[2].push(m.cid);
    });
    const naming = named[0].length > 0;
    const remembering = kept[0].length > 0;
    const statement = naming ? (remembering ? INSERT_NAMING_REMEMBERING : INSERT_NAMING) : remembering ? INSERT_REMEMBERING : INSERT_MESSAGES;
    type Row = { ids: (number | string)[] | null; created_at: Date };
    const [row] = this.clusterNode !== undefined
      ? await this.db.query<Row>(CLUSTER_INSERT, [...params, ...named, this.clusterNode, ...kept, carriedMessages(this.clusterNode, batch)])
      : await this.db.query<Row>(statement, [...params, ...(naming ? named : []), ...(remembering ? kept : [])]);
    if (row!.ids === null) throw await this.danglingError(batch, [...users], [...rooms]);
    this.searchIndexer.poke();
    const ids = row!.ids;
    const at = row!.created_at;
    return batch.map((m, i) => {
      const stored: ChatMessage = { id: Number(ids[i]), kind: m.kind, from: m.from, room: m.room, to: m.to, text: m.text, at };
      if (m.mentions?.length) stored.mentions = m.mentions.map((u) => u.nick);
      if (m.cid !== undefined) stored.cid = m.cid;
      return stored;
    });
  }

  /** Names the first message of a refused batch that points at a missing user or room. */
  private async danglingError(batch: NewMessage[], users: number[], rooms: number[]): Promise<DanglingReferenceError> {
    const [missing] = await this.db.query<{ users: (number | string)[]; rooms: (number | string)[] }>(MISSING, [users, rooms]);
    const noUser = new Set(missing!.users.map(Number));
    const noRoom = new Set(missing!.rooms.map(Number));
    const i = batch.findIndex((m) => noUser.has(m.senderId) || (m.roomId != null && noRoom.has(m.roomId)) || (m.recipientId != null && noUser.has(m.recipientId)));
    if (i < 0) return new DanglingReferenceError("Batch refused: a sender, room or recipient was missing when it was checked");
    const m = batch[i]!;
    return new DanglingReferenceError(`Unknown sender, room or recipient in message ${i + 1} of the batch: sender ${m.senderId}, room ${m.roomId ?? "none"}, recipient ${m.recipientId ?? "none"}`);
  }

  async messageByClientId(userId: number, cid: string): Promise<ChatMessage | null> {
    const [row] = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} JOIN client_message_ids c ON c.message_id = m.id WHERE c.user_id = $1 AND c.client_id = $2`,
      [userId, cid],
    );
    return row ? { ...toMessage(row), cid } : null;
  }

  async forgetClientIds(before: Date): Promise<number> {
    const rows = await this.db.query("DELETE FROM client_message_ids WHERE created_at < $1 RETURNING 1", [before]);
    return rows.length;
  }

  async snapshot(): Promise<Blob | null> {
    return this.db.snapshot ? this.db.snapshot() : null;
  }

  async roomHistory(roomId: number, limit: number, beforeId = NO_UPPER_BOUND) {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} WHERE m.room_id = $1 AND m.id < $2 ORDER BY m.id DESC LIMIT $3`,
      [roomId, beforeId, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async conversation(userA: number, userB: number, limit: number, beforeId = NO_UPPER_BOUND) {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS}
       WHERE m.recipient_id IS NOT NULL
         AND LEAST(m.sender_id, m.recipient_id) = $1 AND GREATEST(m.sender_id, m.recipient_id) = $2
         AND m.id < $3
       ORDER BY m.id DESC LIMIT $4`,
      [Math.min(userA, userB), Math.max(userA, userB), beforeId, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async messagesSince(userId: number, roomIds: number[], afterId: number, limit: number) {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS}
       WHERE m.id > $3 AND (m.room_id = ANY($2::bigint[]) OR m.recipient_id = $1 OR (m.sender_id = $1 AND m.recipient_id IS NOT NULL))
       ORDER BY m.id DESC LIMIT $4`,
      [userId, roomIds, afterId, limit],
    );
    return rows.reverse().map(toMessage);
  }

  searchMessages(userId: number, query: string, limit: number) {
    return this.search.find(userId, query, limit);
  }

  async countMessages() {
    const [row] = await this.db.query<{ n: number | string }>("SELECT count(*) AS n FROM messages");
    return Number(row?.n ?? 0);
  }

  async ping() {
    await this.db.query("SELECT 1");
  }

  async close() {
    await this.searchIndexer.close();
    await this.db.close();
  }
}
