-- Moderation and settings changed at run time by `chat admin`.
-- A ban is keyed like users.nick_key, so it holds whatever case the nick is typed in.
CREATE TABLE bans (
  nick_key   text PRIMARY KEY,
  nick       text NOT NULL,
  -- NULL: until unbanned.
  until      timestamptz,
  reason     text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);

-- Values set by the operator that outlive a restart and win over the config file (e.g. the MOTD).
CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
