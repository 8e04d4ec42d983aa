// The SQL the store runs more than once or builds from parts: message rows and their batch inserts
// (plain, naming who is mentioned, remembering client ids, and the cluster's locked and notified
// form), and the counts behind unread badges. Kept apart from SqlStore so its methods read as steps.

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
export const INSERT_MESSAGES = `WITH stored AS (${INSERT_ROWS})
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
export const INSERT_REMEMBERING = `WITH stored AS (${INSERT_ROWS}),
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
export const INSERT_NAMING = insertNaming(INSERT_ROWS);
export const INSERT_NAMING_REMEMBERING = INSERT_NAMING.replace("\n  SELECT ids, created_at FROM ids", `${rememberIds(11)}\n  SELECT ids, created_at FROM ids`);

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
// The wake-up carries the batch's messages ($15, JSON as text, so the driver passes it unchanged, or
// null when too big: server/cluster/wake.ts).
const NOTIFY = `, pg_notify('${MESSAGES_CHANNEL}', json_build_object('from', $11::text, 'first', coalesce(ids[1], 0),
    'last', coalesce(ids[cardinality(ids)], 0), 'at', created_at, 'm', $15::text::json)::text) AS notified`;
// One statement for every batch, naming someone or not, with client message ids or not ($12–$14,
// as in INSERT_REMEMBERING, empty when none), its messages for the wake-up in $15: a prepared
// statement on a real server costs the same either way.
export const CLUSTER_INSERT = insertNaming(insertRows(LOCK), NOTIFY, rememberIds(12));
export const MISSING = `SELECT array(${missingIds("$1", "users")}) AS users, array(${missingIds("$2", "rooms")}) AS rooms`;
export const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;
// A membership's unread messages (not the reader's own) and mentions past its read marker, each
// counted up to $2: over a year of a busy room, a cap costs less than the exact figure tells.
export const UNREAD_ROOM = `(SELECT count(*) FROM (SELECT 1 FROM messages m
    WHERE m.room_id = mb.room_id AND m.id > mb.read_id AND m.sender_id <> mb.user_id LIMIT $2) u)::int`;
export const MENTIONS = `(SELECT count(*) FROM (SELECT 1 FROM mentions mn
    WHERE mn.user_id = mb.user_id AND mn.room_id = mb.room_id AND mn.message_id > mb.read_id LIMIT $2) x)::int`;
