import { foldKey } from "../core/names.ts";
import { DELETED_NICK, NickTakenError } from "../core/store.ts";
import type { Ban, Status, UserSettings } from "../core/types.ts";
import { toBan, toUser } from "./rows.ts";
import type { SqlClient } from "./sql-client.ts";

// The store's people: accounts, their look-alike skeletons, failed logins and settings, bans,
// signed-out tokens and the server's own settings. SqlStore (rooms and messages) extends it, so
// there is still one implementation of Store.

export class SqlAccounts {
  constructor(protected readonly db: SqlClient) {}

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
      await tx.query("DELETE FROM message_search WHERE sender_id = $1 OR recipient_id = $1", [userId]);
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

  async revokeToken(digest: string, expiresAt: Date) {
    await this.db.query("DELETE FROM revoked_tokens WHERE expires_at < now()");
    await this.db.query("INSERT INTO revoked_tokens (digest, expires_at) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING", [digest, expiresAt]);
  }

  async tokenRevoked(digest: string) {
    return (await this.db.query("SELECT 1 FROM revoked_tokens WHERE digest = $1", [digest])).length > 0;
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
}
