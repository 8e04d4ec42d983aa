import postgres from "postgres";
import { startPgServer } from "../test/pg-server.ts";
const pg = (await startPgServer())!;
const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
const fn = (await Bun.file("sql/007_message_search.sql").text()).split("CREATE INDEX")[0]!;
await sql.unsafe(fn);

await sql.unsafe(`CREATE FUNCTION fold2(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.to_tsvector('simple'::regconfig, pg_catalog.lower(pg_catalog.translate(pg_catalog.regexp_replace(pg_catalog.normalize(t, 'NFD'), '[\u0300-\u036f]', '', 'g'), 'øØđĐłŁßœŒæÆıħĦŧŦ', 'ooddllsooaaihhtt'))) $$`);
console.log((await sql`SELECT fold2('Ça MARCHE très bien, ÉCOLE, Ørsted, Łódź, ñandú') AS v`)[0]);
await sql.unsafe(`CREATE FUNCTION fold3(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.to_tsvector('simple'::regconfig, CASE WHEN pg_catalog.octet_length(t) = pg_catalog.char_length(t) THEN pg_catalog.lower(t) ELSE pg_catalog.lower(pg_catalog.translate(pg_catalog.regexp_replace(pg_catalog.normalize(t, 'NFD'), '[\u0300-\u036f]', '', 'g'), 'øØđĐłŁßœŒæÆıħĦŧŦ', 'ooddllsooaaihhtt')) END) $$`);
console.log((await sql`SELECT fold3('Ça MARCHE très bien, ÉCOLE, Ørsted, Łódź, ñandú') AS v, fold3('Plain ASCII Text') AS w`)[0]);
for (const text of ["hola a todos, alguien sabe si el examen del viernes es del capitulo 3 o del 4? gracias", "hola a todos, ¿alguien sabe si el examen del viernes es del capítulo 3 o del 4? gracias"])
for (const variant of ["none", "fold3", "simple-only"]) {
  await sql.unsafe("DROP TABLE IF EXISTS m; CREATE TABLE m (id bigserial primary key, body text not null)");
  if (variant === "sqlfn") await sql.unsafe("CREATE INDEX ON m USING gin (chat_search_vector(body))");
  if (variant === "fold3") await sql.unsafe("CREATE INDEX ON m USING gin (fold3(body))");
  if (variant === "fold2") await sql.unsafe("CREATE INDEX ON m USING gin (fold2(body))");
  if (variant === "simple-only") await sql.unsafe("CREATE INDEX ON m USING gin (to_tsvector('simple'::regconfig, lower(body)))");
  if (variant === "direct") {
    const body = fn.slice(fn.indexOf("SELECT ") + 7, fn.lastIndexOf("$$")).replaceAll("(t,", "(body,").replace("lower(t)", "lower(body)");
    await sql.unsafe(`CREATE INDEX ON m USING gin ((${body}))`);
  }
  const rows = Array.from({ length: 100 }, () => text);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await sql`INSERT INTO m (body) SELECT * FROM unnest(${sql.array(rows)}::text[])`;
  const ms = performance.now() - t0;
  console.log(text.slice(14,16), variant, (ms * 1000 / 20000).toFixed(1), "µs/row");
}
await sql.end(); await pg.stop();
