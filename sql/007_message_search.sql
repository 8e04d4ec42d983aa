-- Full-text search over messages (/search): a tsvector of each message's text, folded to
-- lower case without accents (upper-case accented letters too: lower() folds only ASCII in a C-locale
-- database) so `cafe` finds `café`, in a GIN index that the search query uses.
--
-- The folding is translate() over a fixed table, not the unaccent extension: PGlite ships unaccent
-- only as a separate extension bundle the driver (and the single binary) would have to load, and
-- a real server needs the contrib package and the right to CREATE EXTENSION. translate() is in
-- every PostgreSQL, so both stores run this same SQL. The function is IMMUTABLE (it depends on its
-- argument only), which an index expression requires; it names only built-in functions because
-- PostgreSQL 17 runs index expressions with search_path set to pg_catalog. A query is folded the same
-- way by passing it through this function (see searchMessages). The 'simple' configuration splits words and
-- lower-cases them without stemming, since messages mix English and Spanish.
CREATE FUNCTION chat_search_vector(t text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT pg_catalog.to_tsvector('simple'::regconfig, pg_catalog.translate(pg_catalog.lower(t),
    'áàâäãåāăąçćĉċčďđéèêëēĕėęěĝğġģĥħíìîïĩīĭįıĵķĺļľŀłñńņňŉóòôöõøōŏőŕŗřśŝşšţťŧúùûüũūŭůűųŵýÿŷźżžœæßÁÀÂÄÃÅĀĂĄÇĆĈĊČĎĐÉÈÊËĒĔĖĘĚĜĞĠĢĤĦÍÌÎÏĨĪĬĮIĴĶĹĻĽĿŁÑŃŅŇÓÒÔÖÕØŌŎŐŔŖŘŚŜŞŠŢŤŦÚÙÛÜŨŪŬŮŰŲŴÝŸŶŹŻŽŒÆ',
    'aaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzzoasaaaaaaaaacccccddeeeeeeeeegggghhiiiiiiiiijklllllnnnnooooooooorrrsssstttuuuuuuuuuuwyyyzzzoa')) $$;

CREATE INDEX messages_search_idx ON messages USING gin (chat_search_vector(body));

-- Resume tokens ended by signing out (a web client's "Sign out"): a token is signed, not stored,
-- so ending one early takes remembering it until it would have expired anyway. Kept as a digest.
CREATE TABLE revoked_tokens (
  digest     text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
