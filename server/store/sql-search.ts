import type { ChatMessage } from "../core/types.ts";
import type { SqlClient } from "./sql-client.ts";
import { MESSAGE_COLUMNS } from "./statements.ts";
import { toMessage, type MessageRow } from "./rows.ts";

// /search over message_search (sql/009), newest first, in windows of ids below the indexer's
// cursor: the last 10,000, then the 90,000 before them, then the rest. A common word fills its 50
// results in the first window and stops there, without reading the GIN index's long list for it;
// a rare word goes on through the others, each answered from the GIN index. The ids above the
// cursor, stored but not yet indexed (a moment's worth of messages), are searched with the fold
// done on the fly, so a message is found as soon as it is stored: waiting for the indexer instead
// would make every search pay its delay. Only the newest UNINDEXED_MAX of them, though: right after
// an upgrade the whole history is unindexed, and folding a million messages (25-40 µs each) would
// outlast the store's 5 s statement timeout; older history is found as the indexer reaches it.
//
// Each query is planned for its own words (planEachCall): how to find them depends on how common
// they are, and a plan made for any words walked the ids backwards, 2.7 s for a rare word over
// 1,000,000 messages. In the first window a walk is at most 10,000 rows, so the planner may choose
// it; the later ones first gather every match in the window (MATERIALIZED, out of the LIMIT's
// reach), which the GIN index answers, since a LIMIT invites a walk that, when the user's rooms hold
// few of a word's matches, reads the whole window.

/** How far below the cursor each window ends; the last one reaches the first message. */
export const SEARCH_WINDOWS = [10_000, 100_000, Number.MAX_SAFE_INTEGER];
/** The most messages above the cursor a search folds on the fly: ~0.25-0.4 s of folding at worst. */
export const UNINDEXED_MAX = 10_000;

const QUERY = `plainto_tsquery('simple'::regconfig, array_to_string(tsvector_to_array(chat_search_vector($2)), ' '))`;
// What user $1 may read: their rooms' messages and their own private conversations.
const mayRead = (t: string) => `(${t}.room_id IN (SELECT room_id FROM memberships WHERE user_id = $1)
              OR ${t}.recipient_id = $1 OR (${t}.sender_id = $1 AND ${t}.recipient_id IS NOT NULL))`;
const newest = `SELECT s.id FROM message_search s
   WHERE s.id <= $4 AND s.id > $5 AND s.tsv @@ ${QUERY} AND ${mayRead("s")}
   ORDER BY s.id DESC LIMIT $3`;
const unindexed = `SELECT m.id FROM messages m
   WHERE m.id > $6 AND chat_search_vector(m.body) @@ ${QUERY} AND ${mayRead("m")}
   ORDER BY m.id DESC LIMIT $3`;
const older = `WITH matches AS MATERIALIZED (
     SELECT s.id, s.room_id, s.sender_id, s.recipient_id FROM message_search s
      WHERE s.id <= $4 AND s.id > $5 AND s.tsv @@ ${QUERY}
   )
   SELECT s.id FROM matches s WHERE ${mayRead("s")} ORDER BY s.id DESC LIMIT $3`;
const rowsOf = (hits: string) => `SELECT ${MESSAGE_COLUMNS} WHERE m.id IN (${hits}) ORDER BY m.id DESC LIMIT $3`;
// $1 user, $2 query, $3 how many, $4 the window's top id (the cursor in the first), $5 its bottom id;
// $6 (first window) the id above which unindexed messages are folded on the fly.
const FIRST_WINDOW = rowsOf(`(${unindexed}) UNION ALL (${newest})`);
const NEXT_WINDOW = rowsOf(older);
const CURSOR = "SELECT (SELECT coalesce(max(id), 0) FROM message_search) AS id, (SELECT coalesce(max(id), 0) FROM messages) AS newest";

export class SqlSearch {
  constructor(private readonly db: SqlClient, private readonly windows = SEARCH_WINDOWS, private readonly unindexedMax = UNINDEXED_MAX) {}

  async find(userId: number, query: string, limit: number): Promise<ChatMessage[]> {
    // Read once, so the windows neither overlap nor leave a gap when the indexer moves on meanwhile.
    const [cursor] = await this.db.query<{ id: number | string; newest: number | string }>(CURSOR);
    let top = Number(cursor!.id);
    const unindexedFrom = Math.max(top, Number(cursor!.newest) - this.unindexedMax);
    const found: MessageRow[] = [];
    for (const [i, below] of this.windows.entries()) {
      const bottom = Math.max(0, Number(cursor!.id) - below);
      const params = [userId, query, limit - found.length, top, bottom];
      const rows = await this.db.query<MessageRow>(i === 0 ? FIRST_WINDOW : NEXT_WINDOW, i === 0 ? [...params, unindexedFrom] : params, { planEachCall: true });
      found.push(...rows);
      if (found.length >= limit || bottom === 0) break;
      top = bottom;
    }
    return found.map(toMessage);
  }
}
