import type { FailureReport } from "../log/failure-report.ts";
import type { SqlClient } from "./sql-client.ts";

// The background search indexer (sql/009): copies stored messages' folded vectors into
// message_search, in batches, after their commit, so the group commit no longer folds and indexes
// each message (which cost it a third of its rate on PostgreSQL).
//
// Its cursor is the highest id in message_search, so it needs no state of its own: a start (or an
// upgrade of a database whose messages were never indexed) catches up from there. That is sound
// because ids follow commit order: one node stores one batch at a time (core/writer.ts), and
// nodes of a cluster take a lock before drawing ids (statements.ts CLUSTER_INSERT), so no message
// below the cursor can commit later. Several nodes may run it on one database: ON CONFLICT DO
// NOTHING makes a batch two of them took at once land once.

/** Rows a statement indexes. The embedded store runs one query at a time, and on a real server the
 * statement shares the database's core with the group commit, so a batch holds up the next commit
 * while it runs: 250 rows is a few ms to ~30 ms on this 2-core machine. */
export const INDEX_BATCH = 250;
/**
 * After each paced batch, wait this many times as long as it took: indexing then takes at most a
 * ninth of a core (~1,000-1,700 messages a second here, far above what people type), and the group
 * commit it was taken out of keeps the rest. At half a core (a factor of 1) the TCP fan-out at 100
 * clients, whose rounds wait on each commit, fell from 850k to 450k deliveries/s.
 */
const PACE = 8;
/** Wait this long after a commit before indexing, so a busy chat indexes many commits' messages at once. */
const DELAY_MS = 50;

/** Indexes up to $1 messages above the cursor; returns how many rows it took from messages. */
export const INDEX_NEXT = `WITH next AS (
    SELECT m.id, m.room_id, m.sender_id, m.recipient_id, chat_search_vector(m.body) AS tsv
      FROM messages m
     WHERE m.id > (SELECT coalesce(max(id), 0) FROM message_search)
     ORDER BY m.id LIMIT $1
  ), indexed AS (
    INSERT INTO message_search (id, room_id, sender_id, recipient_id, tsv)
    SELECT id, room_id, sender_id, recipient_id, tsv FROM next
    ON CONFLICT (id) DO NOTHING
  )
  SELECT count(*)::int AS n FROM next`;

export class SearchIndexer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;

  constructor(
    private readonly db: SqlClient,
    /** A failed pass is retried at the next poke; the error is only reported (throttled: see failure-report.ts). */
    private readonly report: FailureReport = { failed() {}, succeeded() {} },
  ) {}

  /** Something was stored (or the store opened): index it soon. */
  poke(): void {
    if (this.closed) return;
    if (this.running) this.again = true;
    else this.timer ??= setTimeout(() => this.start(), DELAY_MS);
  }

  /**
   * Indexes every message stored so far, batch by batch; resolves with how many it indexed.
   * `paced`: after each batch, wait PACE times as long as it took, so that indexing yields to the
   * group commit it was taken out of: indexing
   * a message (its fold, a row and three index entries) cost 2-4× what storing it did, measured on
   * this 2-core machine, so a chat storing messages flat out would otherwise spend most of the
   * database's CPU here. A burst is indexed behind, and search folds what is not yet indexed.
   */
  async catchUp(batch = INDEX_BATCH, paced = false): Promise<number> {
    let total = 0;
    while (!this.closed) {
      const started = performance.now();
      const [row] = await this.db.transaction(async (tx) => {
        // The index need not be durable, and a commit that waits for the disk would cost an fsync per
        // batch beside the group commit's (the embedded store runs one at a time): a crash loses at
        // most the last batches, whose messages are above the cursor and so are indexed again.
        await tx.exec("SET LOCAL synchronous_commit = off");
        return tx.query<{ n: number }>(INDEX_NEXT, [batch]);
      });
      total += row!.n;
      if (row!.n < batch) break;
      if (paced) await new Promise((resolve) => setTimeout(resolve, PACE * (performance.now() - started)));
    }
    return total;
  }

  /** Resolves once everything poked so far is indexed (tests; a store closing). */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      if (this.timer) this.start();
      await this.running;
    }
  }

  /** Stops indexing; a pass under way finishes its statement first. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private start() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.catchUp(INDEX_BATCH, true).then(() => this.report.succeeded(), (e) => this.report.failed(e)).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.poke();
      }
    });
  }
}
