-- Full-text search over messages (/search): a tsvector of each message's text, folded to
-- lower case without accents (upper-case accented letters too: lower() folds only ASCII in a C-locale
-- database) so `cafe` finds `café`, in a GIN index that the search query uses.
--
-- The folding is NFD (accents become combining marks) with the marks removed, then a short
-- translate() for the letters NFD does not split (ø, đ, ł, ß, œ, æ…), then lower(); it is not the
-- unaccent extension: PGlite ships unaccent only as a separate extension bundle the driver (and
-- the single binary) would have to load, and a real server needs the contrib package and the right
-- to CREATE EXTENSION. Text that is all ASCII (octet_length = char_length) skips the folding: it
-- is computed for every stored message, inside the group commit, and a translate() over the whole
-- accented alphabet cost ~67 µs a message (16 µs for the whole insert without the index), this
-- ~11 µs for ASCII and ~22 µs for accented text, measured on PostgreSQL 15 here. The function is
-- IMMUTABLE (it depends on its argument only), which an index expression requires; it names only
-- built-in functions because PostgreSQL 17 runs index expressions with search_path set to
-- pg_catalog. A query is folded the same way by passing it through this function (see
-- searchMessages). The 'simple' configuration splits words and lower-cases them without stemming,
-- since messages mix English and Spanish. Both stores are UTF8 databases, which normalize() needs.
CREATE FUNCTION chat_search_vector(t text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT pg_catalog.to_tsvector('simple'::regconfig, CASE
    WHEN pg_catalog.octet_length(t) = pg_catalog.char_length(t) THEN pg_catalog.lower(t)
    ELSE pg_catalog.lower(pg_catalog.translate(
      pg_catalog.regexp_replace(pg_catalog.normalize(t, 'NFD'), '[\u0300-\u036f]', '', 'g'),
      'øØđĐłŁßœŒæÆıħĦŧŦ', 'ooddllsooaaihhtt'))
    END) $$;

CREATE INDEX messages_search_idx ON messages USING gin (chat_search_vector(body));

-- Resume tokens ended by signing out (a web client's "Sign out"): a token is signed, not stored,
-- so ending one early takes remembering it until it would have expired anyway. Kept as a digest.
CREATE TABLE revoked_tokens (
  digest     text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
