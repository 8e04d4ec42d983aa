-- Core v2: a user belongs to any number of rooms, the server keeps what each user has read
-- (per room and per private conversation) so every device shows the same unread counts, and
-- a message remembers who it names. Users also keep their own settings (language, …).

ALTER TABLE users ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';

CREATE TABLE memberships (
  user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  room_id   bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  joined_at timestamptz NOT NULL DEFAULT now(),
  -- The highest message id of the room this user has read.
  read_id   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, room_id)
);
-- Member counts in /rooms.
CREATE INDEX memberships_room_idx ON memberships (room_id);

CREATE TABLE private_reads (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  peer_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  read_id bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, peer_id)
);

-- Written in the same statement as the messages (see insertMessages), so no foreign keys, as in 003.
CREATE TABLE mentions (
  user_id    bigint NOT NULL,
  message_id bigint NOT NULL,
  room_id    bigint NOT NULL,
  PRIMARY KEY (user_id, message_id)
);
-- Mention counts per room past a read marker.
CREATE INDEX mentions_user_room_idx ON mentions (user_id, room_id, message_id);
-- Who a message names, when history is read.
CREATE INDEX mentions_message_idx ON mentions (message_id);

-- Everyone was in #lobby, one room at a time: they stay members of it, with nothing unread.
INSERT INTO memberships (user_id, room_id, read_id)
SELECT u.id, r.id, coalesce((SELECT max(id) FROM messages WHERE room_id = r.id), 0)
  FROM users u, rooms r
 WHERE r.name_key = '#lobby';

-- users.pm_read_id was the highest private message each user had been shown, in every
-- conversation at once: it becomes the read marker of each of their conversations.
INSERT INTO private_reads (user_id, peer_id, read_id)
SELECT DISTINCT m.recipient_id, m.sender_id, u.pm_read_id
  FROM messages m JOIN users u ON u.id = m.recipient_id
 WHERE m.recipient_id IS NOT NULL AND u.pm_read_id > 0;
