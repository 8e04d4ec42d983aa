-- Look-alike nicks: the UTS #39 skeleton of each nick (computed by the application, as nick_key
-- is). Unique, so two new accounts cannot look alike; NULL for accounts made before this
-- migration until the server fills it in, and for old accounts that already collide with another.
ALTER TABLE users ADD COLUMN nick_skeleton text;
CREATE UNIQUE INDEX users_nick_skeleton_key ON users (nick_skeleton);

-- Wrong passwords given for the account since its last successful login: its owner is told.
ALTER TABLE users ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;

-- A room's topic, shown on join and in the web client; '' is none.
ALTER TABLE rooms ADD COLUMN topic text NOT NULL DEFAULT '';
