-- Several servers on one database (issue 16). Each node says it is alive in `nodes` every few
-- seconds; `sessions` says who is online on which node, one row per account and node, so a node
-- that starts (or whose LISTEN connection came back) can learn who is online elsewhere, and a dead
-- node's users can be put offline by the others. The embedded store never writes these tables.

CREATE TABLE nodes (
  name         text PRIMARY KEY,
  started_at   timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  -- Open connections by transport, as of the last heartbeat, for `chat admin nodes`.
  connections  jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE sessions (
  node     text NOT NULL REFERENCES nodes (name) ON DELETE CASCADE,
  nick_key text NOT NULL,
  -- The account as the other nodes show it: nick, status, note, rooms (with ids), sessions.
  info     jsonb NOT NULL,
  PRIMARY KEY (node, nick_key)
);
