import { UNREAD_COUNT_CAP } from "../core/limits.ts";
import { foldKey } from "../core/names.ts";
import { DELETED_NICK, NickTakenError, type ReadTarget, type Store } from "../core/store.ts";
import type { Ban, ChatMessage, Membership, MessageKind, NewMessage, Room, Status, User, UserSettings } from "../core/types.ts";
import { migrate } from "./migrations.ts";
import type { SqlClient } from "./sql-client.ts";

// The one implementation of Store; drivers differ only in the SqlClient they hand it.

export const MESSAGE_COLUMNS = `m.id, m.kind, m.body, m.created_at, s.nick AS from_nick, r.name AS room_name, t.nick AS to_nick,
       (SELECT array_agg(u.nick ORDER BY u.nick) FROM mentions mn JOIN users u ON u.id = mn.user_id WHERE mn.message_id = m.id) AS mentioned
  FROM messages m
  JOIN users s ON s.id = m.sender_id
  LEFT JOIN rooms r ON r.id = m.room_id
  LEFT JOIN users t ON t.id = m.recipient_id`;

/** The ids in the bigint[] parameter `param` that `table` has no row for. */
const missingIds = (param: string, table: "users" | "rooms") =>
  `SELECT id FROM unnest(${param}::bigint[]) AS m (id) WHERE NOT EXISTS (SELECT FROM ${table} WHERE ${table}.id = m.id)`;

// One statement per batch, whatever its size: the batch travels as array parameters, so
// parsing and binding cost the same for 10 rows or 10,000 (a VALUES list needs 5 parameters a row,
// capped at 65,535), and a single statement is stored whole or not at all. Ids are drawn as rows
// enter, in ordinality (batch) order, so the ids, sorted, line up with the batch. They come back
// as one array in one row, which both drivers decode faster than a row per message.
// Senders, rooms and recipients are checked here, in place of foreign keys that checked each
// row (sql/003): each distinct one once per batch, before any row is made, which costs next to
// nothing (a per-row check was 10% of the statement). A batch that names a missing one stores
// nothing; a second query then finds which, since that is rare.
const insertRows = (lock = "") => `INSERT INTO messages (sender_id, room_id, recipient_id, kind, body)
    SELECT sender_id, room_id, recipient_id, kind, body
      FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[])
           WITH ORDINALITY AS b (sender_id, room_id, recipient_id, kind, body, n)${lock}
     WHERE NOT EXISTS (${missingIds("$6", "users")}) AND NOT EXISTS (${missingIds("$7", "rooms")})
     ORDER BY n
    RETURNING id, created_at`;
const INSERT_ROWS = insertRows();
const INSERT_MESSAGES = `WITH stored AS (${INSERT_ROWS})
  SELECT array_agg(id ORDER BY id) AS ids, min(created_at) AS created_at FROM stored`;
// A batch with client message ids keeps them in the same statement ($8–$10, or $11–$13 after the
// mentions': the message's place in the batch, the sender, the id), so a message is never stored
// without the id that finds it again. A conflict keeps the first (two nodes racing on one resend).
const rememberIds = (n: number) => `,
  remembered AS (
    INSERT INTO client_message_ids (user_id, client_id, message_id)
    SELECT x.user_id, x.client_id, ids.ids[x.n]
      FROM unnest($${n}::int[], $${n + 1}::bigint[], $${n + 2}::text[]) AS x (n, user_id, client_id), ids
     WHERE ids.ids IS NOT NULL
    ON CONFLICT DO NOTHING
  )`;
const INSERT_REMEMBERING = `WITH stored AS (${INSERT_ROWS}),
  ids AS (SELECT array_agg(id ORDER BY id) AS ids, min(created_at) AS created_at FROM stored)${rememberIds(8)}
  SELECT ids, created_at FROM ids`;
// A batch that names someone stores who, in the same statement ($8–$10: the message's place in the
// batch, the user, the room), so a message is never kept without its mentions. Most batches name
// nobody and take the plain statement: the embedded store parses and plans each statement anew,
// and this one's two extra steps cost it 10–20% of its group-commit rate.
const insertNaming = (rows: string, tail = "", remember = "") => `WITH stored AS (${rows}),
  ids AS (SELECT array_agg(id ORDER BY id) AS ids, min(created_at) AS created_at FROM stored),
  named AS (
    INSERT INTO mentions (user_id, message_id, room_id)
    SELECT x.user_id, ids.ids[x.n], x.room_id
      FROM unnest($8::int[], $9::bigint[], $10::bigint[]) AS x (n, user_id, room_id), ids
     WHERE ids.ids IS NOT NULL
  )${remember}
  SELECT ids, created_at${tail} FROM ids`;
const INSERT_NAMING = insertNaming(INSERT_ROWS);
const INSERT_NAMING_REMEMBERING = INSERT_NAMING.replace("\n  SELECT ids, created_at FROM ids", `${rememberIds(11)}\n  SELECT ids, created_at FROM ids`);

/** The channel a clustered store wakes every node on after storing a batch; see server/cluster/. */
export const MESSAGES_CHANNEL = "chat_messages";
// Any constant: the same for every node sharing the database.
const BATCH_LOCK = 7_346_016;
// Several nodes on one database (issue 16): a reader that has seen id N must never later find a
// message below N, so ids must follow commit order across nodes. Each batch takes a
// transaction-scoped advisory lock before it draws its first id (the join below feeds every row,
// and ids are drawn as rows enter), so batches commit one at a time in id order; pg_notify, sent
// at commit, wakes the other nodes with the node's name and the id range. Still one statement and
// one round trip; a single node never pays for it (measured: 1,030 batches/s without, 368 with).
const LOCK = `
           CROSS JOIN (SELECT pg_advisory_xact_lock(${BATCH_LOCK}) AS locked) AS l`;
const NOTIFY = `, pg_notify('${MESSAGES_CHANNEL}', $11::text || ' ' || coalesce(ids[1], 0) || ' ' || coalesce(ids[cardinality(ids)], 0)) AS notified`;
// One statement for every batch, naming someone or not, with client message ids or not ($12–$14,
// as in INSERT_REMEMBERING, empty when none): a prepared statement on a real server costs the same
// either way.
const CLUSTER_INSERT = insertNaming(insertRows(LOCK), NOTIFY, rememberIds(12));
const MISSING = `SELECT array(${missingIds("$1", "users")}) AS users, array(${missingIds("$2", "rooms")}) AS rooms`;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
// A membership's unread messages (not the reader's own) and mentions past its read marker, each
// counted up to $2: over a year of a busy room, a cap costs less than the exact figure tells.
const UNREAD_ROOM = `(SELECT count(*) FROM (SELECT 1 FROM messages m
    WHERE m.room_id = mb.room_id AND m.id > mb.read_id AND m.sender_id <> mb.user_id LIMIT $2) u)::int`;
const MENTIONS = `(SELECT count(*) FROM (SELECT 1 FROM mentions mn
    WHERE mn.user_id = mb.user_id AND mn.room_id = mb.room_id AND mn.message_id > mb.read_id LIMIT $2) x)::int`;

export interface MessageRow {
  mentioned: string[] | null;
  id: number | string;
  kind: MessageKind;
  body: string;
  created_at: Date;
  from_nick: string;
  room_name: string | null;
  to_nick: string | null;
}

export class SqlStore implements Store {
  /**
   * `clusterNode`: this store is one node of several sharing a real PostgreSQL; batches are stored
   * in commit order and announced under this name (see CLUSTER_INSERT).
   */
  constructor(readonly kind: Store["kind"], private readonly db: SqlClient, private readonly clusterNode?: string) {}

  migrate(upTo?: number) {
    return migrate(this.db, upTo);
  }

  async findUser(nick: string) {
    const rows = await this.db.query("SELECT * FROM users WHERE nick_key = $1", [foldKey(nick)]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUsers(keys: string[]) {
    if (keys.length === 0) return [];
    const rows = await this.db.query<{ id: number | string; nick: string }>("SELECT id, nick FROM users WHERE nick_key = ANY($1::text[])", [keys]);
    return rows.map((r) => ({ id: Number(r.id), nick: r.nick }));
  }

  async createUser(nick: string, passwordHash: string, skeleton?: string) {
    // No conflict target: a taken nick_key and a taken skeleton both leave nothing inserted.
    const rows = await this.db.query(
      `INSERT INTO users (nick, nick_key, password_hash, nick_skeleton) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING *`,
      [nick, foldKey(nick), passwordHash, skeleton ?? null],
    );
    if (rows[0]) return toUser(rows[0]);
    if (skeleton !== undefined && !(await this.findUser(nick))) {
      const other = await this.findBySkeleton(skeleton);
      if (other) throw new NickTakenError(nick, other.nick);
    }
    throw new NickTakenError(nick);
  }

  async findBySkeleton(skeleton: string) {
    const rows = await this.db.query<{ id: number | string; nick: string }>("SELECT id, nick FROM users WHERE nick_skeleton = $1", [skeleton]);
    return rows[0] ? { id: Number(rows[0].id), nick: rows[0].nick } : null;
  }

  async fillSkeletons(skeleton: (nick: string) => string) {
    const rows = await this.db.query<{ id: number | string; nick: string }>("SELECT id, nick FROM users WHERE nick_skeleton IS NULL ORDER BY id");
    if (rows.length === 0) return 0;
    const held = await this.db.query<{ s: string }>("SELECT nick_skeleton AS s FROM users WHERE nick_skeleton IS NOT NULL");
    // The oldest account of a look-alike group gets the skeleton; the others keep NULL and go on working.
    const taken = new Set(held.map((r) => r.s));
    const ids: number[] = [];
    const skeletons: string[] = [];
    for (const r of rows) {
      const s = skeleton(r.nick);
      if (taken.has(s)) continue;
      taken.add(s);
      ids.push(Number(r.id));
      skeletons.push(s);
    }
    // One statement for every account (a server upgraded with many of them starts quickly); an
    // account made meanwhile with one of these skeletons makes it fail, and the next start retries.
    const set = await this.db.query(
      `UPDATE users u SET nick_skeleton = v.s FROM unnest($1::bigint[], $2::text[]) AS v(id, s)
       WHERE u.id = v.id AND u.nick_skeleton IS NULL RETURNING u.id`,
      [ids, skeletons],
    );
    return set.length;
  }

  async allNicks() {
    const rows = await this.db.query<{ id: number | string; nick: string }>("SELECT id, nick FROM users ORDER BY id");
    return rows.map((r) => ({ id: Number(r.id), nick: r.nick }));
  }

  async listAccounts(pattern: string, limit: number) {
    // LIKE's own wildcards in the pattern are taken literally.
    const like = "%" + foldKey(pattern).replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    const rows = await this.db.query<{ id: number | string; nick: string; created_at: Date; last_seen: Date | null; messages: number | string }>(
      `SELECT u.id, u.nick, u.created_at, u.last_seen, (SELECT count(*) FROM messages m WHERE m.sender_id = u.id) AS messages
       FROM users u WHERE u.nick_key LIKE $1 ORDER BY u.nick_key LIMIT $2`,
      [like, limit],
    );
    return rows.map((r) => ({ id: Number(r.id), nick: r.nick, createdAt: r.created_at, lastSeen: r.last_seen, messages: Number(r.messages) }));
  }

  async renameUser(userId: number, nick: string, skeleton: string) {
    const rows = await this.db.query(
      `UPDATE users SET nick = $2, nick_key = $3, nick_skeleton = $4 WHERE id = $1
         AND NOT EXISTS (SELECT 1 FROM users WHERE id <> $1 AND (nick_key = $3 OR nick_skeleton = $4)) RETURNING id`,
      [userId, nick, foldKey(nick), skeleton],
    );
    if (rows.length === 0) throw new NickTakenError(nick);
  }

  async deleteUser(userId: number, purge: boolean) {
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE rooms SET created_by = NULL WHERE created_by = $1", [userId]);
      if (!purge) {
        // The row stays for the messages that name it as sender or recipient; nobody can log in as
        // it, and its key ("#…") is no nick anyone can type.
        await tx.query("DELETE FROM memberships WHERE user_id = $1", [userId]);
        await tx.query("DELETE FROM private_reads WHERE user_id = $1 OR peer_id = $1", [userId]);
        await tx.query("DELETE FROM mentions WHERE user_id = $1", [userId]);
        await tx.query(
          `UPDATE users SET nick = $2, nick_key = '#deleted:' || id, nick_skeleton = NULL, password_hash = '!',
             status = 'available', status_note = '', settings = '{}'::jsonb WHERE id = $1`,
          [userId, DELETED_NICK],
        );
        return;
      }
      await tx.query("DELETE FROM mentions WHERE user_id = $1 OR message_id IN (SELECT id FROM messages WHERE sender_id = $1 OR recipient_id = $1)", [userId]);
      await tx.query("DELETE FROM messages WHERE sender_id = $1 OR recipient_id = $1", [userId]);
      await tx.query("DELETE FROM users WHERE id = $1", [userId]);
    });
  }

  async addFailedLogin(userId: number) {
    await this.db.query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1", [userId]);
  }

  async takeFailedLogins(userId: number) {
    const rows = await this.db.query<{ n: number }>(
      `UPDATE users u SET failed_logins = 0 FROM (SELECT id, failed_logins FROM users WHERE id = $1 FOR UPDATE) old
       WHERE u.id = old.id RETURNING old.failed_logins AS n`,
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async setPassword(userId: number, passwordHash: string) {
    await this.db.query("UPDATE users SET password_hash = $2 WHERE id = $1", [userId, passwordHash]);
  }

  async setStatus(userId: number, status: Status, note: string) {
    await this.db.query("UPDATE users SET status = $2, status_note = $3 WHERE id = $1", [userId, status, note]);
  }

  async setSettings(userId: number, settings: UserSettings) {
    // Sent as text and cast: each driver has its own idea of how to encode a jsonb parameter.
    await this.db.query("UPDATE users SET settings = $2::text::jsonb WHERE id = $1", [userId, JSON.stringify(settings)]);
  }

  async markSeen(userId: number) {
    await this.db.query("UPDATE users SET last_seen = now() WHERE id = $1", [userId]);
  }

  async profile(nick: string) {
    const user = await this.findUser(nick);
    if (!user) return null;
    const [row] = await this.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM messages WHERE sender_id = $1",
      [user.id],
    );
    return { user, messagesSent: Number(row?.n ?? 0) };
  }

  async roomTopic(roomId: number) {
    const rows = await this.db.query<{ topic: string }>("SELECT topic FROM rooms WHERE id = $1", [roomId]);
    return rows[0]?.topic ?? "";
  }

  async setTopic(roomId: number, topic: string) {
    await this.db.query("UPDATE rooms SET topic = $2 WHERE id = $1", [roomId, topic]);
  }

  async findRoom(name: string) {
    const rows = await this.db.query("SELECT * FROM rooms WHERE name_key = $1", [foldKey(name)]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async ensureRoom(name: string, createdBy: number | null) {
    // DO UPDATE (a no-op) rather than DO NOTHING so RETURNING also yields an existing row.
    const rows = await this.db.query(
      `INSERT INTO rooms (name, name_key, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (name_key) DO UPDATE SET name_key = EXCLUDED.name_key RETURNING *`,
      [name, foldKey(name), createdBy],
    );
    return toRoom(rows[0]!);
  }

  async listRooms() {
    const rows = await this.db.query<Record<string, any>>(
      "SELECT r.*, (SELECT count(*) FROM memberships mb WHERE mb.room_id = r.id)::int AS members FROM rooms r ORDER BY r.name_key",
    );
    return rows.map((r) => ({ room: toRoom(r), members: Number(r.members) }));
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
      ? await this.db.query<Row>(CLUSTER_INSERT, [...params, ...named, this.clusterNode, ...kept])
      : await this.db.query<Row>(statement, [...params, ...(naming ? named : []), ...(remembering ? kept : [])]);
    if (row!.ids === null) throw await this.danglingError(batch, [...users], [...rooms]);
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
  private async danglingError(batch: NewMessage[], users: number[], rooms: number[]): Promise<Error> {
    const [missing] = await this.db.query<{ users: (number | string)[]; rooms: (number | string)[] }>(MISSING, [users, rooms]);
    const noUser = new Set(missing!.users.map(Number));
    const noRoom = new Set(missing!.rooms.map(Number));
    const i = batch.findIndex((m) => noUser.has(m.senderId) || (m.roomId != null && noRoom.has(m.roomId)) || (m.recipientId != null && noUser.has(m.recipientId)));
    if (i < 0) return new Error("Batch refused: a sender, room or recipient was missing when it was checked");
    const m = batch[i]!;
    return new Error(`Unknown sender, room or recipient in message ${i + 1} of the batch: sender ${m.senderId}, room ${m.roomId ?? "none"}, recipient ${m.recipientId ?? "none"}`);
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

  // The GIN index on chat_search_vector(body) (sql/007) finds the matches; the user's rooms and
  // private conversations filter them; the newest come first. The query goes through the same
  // function as the text, so it is folded alike, and its words become a query of plain words
  // (plainto_tsquery), so no character in it is query syntax.
  async searchMessages(userId: number, query: string, limit: number) {
    const rows = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS}
       WHERE chat_search_vector(m.body) @@ plainto_tsquery('simple'::regconfig, array_to_string(tsvector_to_array(chat_search_vector($2)), ' '))
         AND (m.room_id IN (SELECT room_id FROM memberships WHERE user_id = $1)
              OR m.recipient_id = $1 OR (m.sender_id = $1 AND m.recipient_id IS NOT NULL))
       ORDER BY m.id DESC LIMIT $3`,
      [userId, query, limit],
    );
    return rows.map(toMessage);
  }

  async revokeToken(digest: string, expiresAt: Date) {
    await this.db.query("DELETE FROM revoked_tokens WHERE expires_at < now()");
    await this.db.query("INSERT INTO revoked_tokens (digest, expires_at) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", [digest, expiresAt]);
  }

  async tokenRevoked(digest: string) {
    return (await this.db.query("SELECT 1 FROM revoked_tokens WHERE digest = $1", [digest])).length > 0;
  }

  async countMessages() {
    const [row] = await this.db.query<{ n: number | string }>("SELECT count(*) AS n FROM messages");
    return Number(row?.n ?? 0);
  }

  async addBan(ban: Omit<Ban, "createdAt">) {
    const rows = await this.db.query(
      `INSERT INTO bans (nick_key, nick, until, reason, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (nick_key) DO UPDATE SET nick = EXCLUDED.nick, until = EXCLUDED.until, reason = EXCLUDED.reason,
         created_by = EXCLUDED.created_by, created_at = now()
       RETURNING *`,
      [foldKey(ban.nick), ban.nick, ban.until, ban.reason, ban.createdBy],
    );
    return toBan(rows[0]!);
  }

  async removeBan(nick: string) {
    // An expired ban is already lifted: deleting it must not report that something changed.
    const rows = await this.db.query(
      "DELETE FROM bans WHERE nick_key = $1 RETURNING (until IS NULL OR until > now()) AS active",
      [foldKey(nick)],
    );
    return rows[0]?.active === true;
  }

  async activeBan(nick: string, now: Date) {
    const rows = await this.db.query(
      "SELECT * FROM bans WHERE nick_key = $1 AND (until IS NULL OR until > $2)",
      [foldKey(nick), now],
    );
    return rows[0] ? toBan(rows[0]) : null;
  }

  async listBans(now: Date) {
    const rows = await this.db.query("SELECT * FROM bans WHERE until IS NULL OR until > $1 ORDER BY nick_key", [now]);
    return rows.map(toBan);
  }

  async getSetting(key: string) {
    const rows = await this.db.query<{ value: string }>("SELECT value FROM settings WHERE key = $1", [key]);
    return rows[0]?.value ?? null;
  }

  async setSetting(key: string, value: string | null) {
    if (value === null) {
      await this.db.query("DELETE FROM settings WHERE key = $1", [key]);
      return;
    }
    await this.db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, value],
    );
  }

  async ping() {
    await this.db.query("SELECT 1");
  }

  close() {
    return this.db.close();
  }
}

function toUser(r: Record<string, any>): User {
  return {
    id: Number(r.id),
    nick: r.nick,
    passwordHash: r.password_hash,
    createdAt: new Date(r.created_at),
    lastSeen: r.last_seen ? new Date(r.last_seen) : null,
    status: r.status,
    statusNote: r.status_note,
    settings: typeof r.settings === "string" ? JSON.parse(r.settings) : (r.settings ?? {}),
  };
}

function toBan(r: Record<string, any>): Ban {
  return {
    nick: r.nick,
    until: r.until ? new Date(r.until) : null,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
  };
}

function toRoom(r: Record<string, any>): Room {
  return { id: Number(r.id), name: r.name, createdAt: new Date(r.created_at) };
}

export function toMessage(r: MessageRow): ChatMessage {
  const m: ChatMessage = { id: Number(r.id), kind: r.kind, from: r.from_nick, text: r.body, at: new Date(r.created_at) };
  if (r.room_name !== null) m.room = r.room_name;
  if (r.to_nick !== null) m.to = r.to_nick;
  if (r.mentioned?.length) m.mentions = r.mentioned;
  return m;
}
