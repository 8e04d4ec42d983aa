-- Group commit stores a batch of messages in one statement, and a foreign key checks every row
-- on its own (a trigger, an index probe and a row lock per reference): that was 60% of the cost
-- of storing a message. insertMessages now checks a batch's users and rooms as a set, in the same
-- statement, and refuses the whole batch when one is missing. Users and rooms are never deleted;
-- code that starts deleting them must decide what happens to their messages.
ALTER TABLE messages
  DROP CONSTRAINT messages_sender_id_fkey,
  DROP CONSTRAINT messages_room_id_fkey,
  DROP CONSTRAINT messages_recipient_id_fkey;
