-- Accounts, rooms and messages. Nick and room keys are case-folded by the application
-- (JavaScript's Unicode folding), because lower() depends on the server's collation.
CREATE TABLE users (
  id            bigserial PRIMARY KEY,
  nick          text NOT NULL,
  nick_key      text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen     timestamptz,
  status        text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'busy', 'away')),
  status_note   text NOT NULL DEFAULT '',
  -- Highest private message id this user has been shown; later ones are "while you were away".
  pm_read_id    bigint NOT NULL DEFAULT 0
);

CREATE TABLE rooms (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  name_key   text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by bigint REFERENCES users (id)
);

CREATE TABLE messages (
  id           bigserial PRIMARY KEY,
  sender_id    bigint NOT NULL REFERENCES users (id),
  room_id      bigint REFERENCES rooms (id),
  recipient_id bigint REFERENCES users (id),
  kind         text NOT NULL CHECK (kind IN ('public', 'private', 'emote')),
  body         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  CHECK ((room_id IS NULL) <> (recipient_id IS NULL))
);

-- /history #room, and the replay on /join.
CREATE INDEX messages_room_idx ON messages (room_id, id) WHERE room_id IS NOT NULL;
-- /history nick: the conversation between two users, whichever way it went.
CREATE INDEX messages_pair_idx ON messages (LEAST(sender_id, recipient_id), GREATEST(sender_id, recipient_id), id)
  WHERE recipient_id IS NOT NULL;
-- Offline delivery at login.
CREATE INDEX messages_recipient_idx ON messages (recipient_id, id) WHERE recipient_id IS NOT NULL;
-- /profile's message count.
CREATE INDEX messages_sender_idx ON messages (sender_id);

INSERT INTO rooms (name, name_key) VALUES ('#lobby', '#lobby');
