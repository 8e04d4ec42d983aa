-- The client's own id for a message it sent (the web client's, `chat connect`'s), per user: a
-- resend after a dropped connection or a database outage finds the stored message instead of
-- storing it again, across restarts. Kept for a while (see Store.forgetClientIds), not forever.
CREATE TABLE client_message_ids (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_id  text NOT NULL,
  message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, client_id)
);

CREATE INDEX client_message_ids_created_idx ON client_message_ids (created_at);
