-- Search indexed after the commit, not inside it (issue 15; 007 put the folded tsvector and its GIN
-- index on messages, in every group commit, which took PostgreSQL persistence from 55k to 38k
-- messages/s). A background indexer (server/store/search-indexer.ts) copies each stored message's
-- folded vector here in batches, after its commit; search reads this table for what is indexed and
-- folds the few newer messages on the fly (server/store/sql-search.ts), so nothing just stored is
-- missed. An existing database upgrades in place: its messages are indexed by the same indexer, from
-- the first id, when the server starts; until it reaches them, search finds the newest 10,000
-- messages by folding them on the fly, and older ones not yet.
--
-- The vector is stored, so checking a row costs a comparison, not a fold: 007's expression index
-- let the planner walk the primary key backwards and fold every row it passed (3 s for a word of
-- middling frequency over 1,000,000 messages). The room, sender and recipient are copied beside it
-- (a message never moves) so the access check needs no visit to messages; only the results do.
--
-- No foreign key to messages: its check locks each message's row as it is indexed, a write to every
-- message (it made indexing ~3× dearer). Deleting an account's messages deletes their rows here too
-- (sql-accounts.ts), and search shows only rows that still have their message.
CREATE TABLE message_search (
  id           bigint PRIMARY KEY,
  room_id      bigint,
  sender_id    bigint NOT NULL,
  recipient_id bigint,
  tsv          tsvector NOT NULL
);

CREATE INDEX message_search_tsv_idx ON message_search USING gin (tsv);

-- Replaced by the table above; keeping it would keep its cost in every commit.
DROP INDEX messages_search_idx;
