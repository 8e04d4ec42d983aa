import { foldKey } from "../core/names.ts";
import type { RoomRef } from "../core/types.ts";
import type { RoomStats } from "../core/store.ts";
import { toRoom } from "./rows.ts";
import type { SqlClient } from "./sql-client.ts";
import { SqlAccounts } from "./sql-accounts.ts";

// The store's rooms as things of their own: finding and making them, their topics, the operator's
// list and deleting them (by hand or when long empty). SqlStore (memberships and messages) extends
// it, so there is still one implementation of Store.

/** A room's last activity: the newest of its creation, its last message and its last join. */
const LAST_ACTIVITY = `GREATEST(r.created_at,
    (SELECT m.created_at FROM messages m WHERE m.room_id = r.id ORDER BY m.id DESC LIMIT 1),
    (SELECT max(mb.joined_at) FROM memberships mb WHERE mb.room_id = r.id))`;

export class SqlRooms extends SqlAccounts {
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
    return rows.map((r) => ({ room: toRoom(r), members: Number(r.members), topic: String(r.topic ?? "") }));
  }

  async roomStats(pattern: string, limit: number): Promise<RoomStats[]> {
    // LIKE's own wildcards in the pattern are taken literally.
    const like = "%" + foldKey(pattern).replace(/[\\%_]/g, (c) => "\\" + c) + "%";
    const rows = await this.db.query<Record<string, any>>(
      `SELECT r.id, r.name, r.topic, r.created_at,
              (SELECT count(*) FROM memberships mb WHERE mb.room_id = r.id) AS members,
              (SELECT count(*) FROM messages m WHERE m.room_id = r.id) AS messages,
              ${LAST_ACTIVITY} AS last_activity
         FROM rooms r WHERE r.name_key LIKE $1 ORDER BY r.name_key LIMIT $2`,
      [like, limit],
    );
    return rows.map((r) => ({
      room: { id: Number(r.id), name: r.name }, topic: r.topic, createdAt: new Date(r.created_at),
      members: Number(r.members), messages: Number(r.messages), lastActivity: new Date(r.last_activity),
    }));
  }

  async deleteRoom(roomId: number) {
    await this.db.transaction((tx) => dropRooms(tx, "SELECT id FROM rooms WHERE id = $1", [roomId]));
  }

  async pruneRooms(idleSince: Date, keep: string): Promise<RoomRef[]> {
    // Chosen and deleted in one statement: a room whose first membership was made a moment before stays.
    return this.db.transaction((tx) => dropRooms(tx,
      `SELECT r.id FROM rooms r
        WHERE r.name_key <> $2 AND r.created_at < $1
          AND NOT EXISTS (SELECT 1 FROM memberships mb WHERE mb.room_id = r.id)
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.room_id = r.id AND m.created_at >= $1)`,
      [idleSince, foldKey(keep)]));
  }
}

/**
 * Deletes the rooms `which` selects, and everything of theirs: messages have no foreign keys (003),
 * so their mentions and client ids go by hand; memberships go by cascade. Returns the rooms.
 */
async function dropRooms(tx: SqlClient, which: string, params: unknown[]): Promise<RoomRef[]> {
  const rooms = await tx.query<{ id: number | string; name: string }>(`DELETE FROM rooms WHERE id IN (${which}) RETURNING id, name`, params);
  const ids = rooms.map((r) => Number(r.id));
  if (ids.length === 0) return [];
  await tx.query("DELETE FROM client_message_ids WHERE message_id IN (SELECT id FROM messages WHERE room_id = ANY($1::bigint[]))", [ids]);
  await tx.query("DELETE FROM mentions WHERE room_id = ANY($1::bigint[])", [ids]);
  await tx.query("DELETE FROM messages WHERE room_id = ANY($1::bigint[])", [ids]);
  // message_search has no foreign key (sql/009: its check locked every message row as it was indexed).
  await tx.query("DELETE FROM message_search WHERE room_id = ANY($1::bigint[])", [ids]);
  return rooms.map((r) => ({ id: Number(r.id), name: r.name }));
}
