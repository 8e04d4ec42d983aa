import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { heapStats } from "bun:jsc";
import { PGlite } from "@electric-sql/pglite";
import { SqlStore } from "../../server/store/sql-store.ts";
import { embeddedClient } from "../../server/store/pglite.ts";
import type { NewMessage } from "../../server/core/types.ts";
import { MessageWriter } from "../../server/core/writer.ts";
import { freshDataDir } from "../../test/template.ts";

// Where the embedded store's memory goes while it stores many messages, without the whole
// persistence benchmark: it opens the embedded store on a temporary folder and stores
// --messages messages in group-commit batches of --batch (as core/writer.ts hands them to
// insertMessages), and every --every messages prints the process's RSS split by region from
// /proc/self/smaps (WebAssembly memory is the largest anonymous mapping; the JS heap and the
// allocator's are the other anonymous ones; the binary and libraries are file-backed), the JS
// heap as JavaScriptCore counts it, and PostgreSQL's own memory contexts inside the wasm.
// `nice -n 10 bun bench/memory/embedded-rss.ts [--messages 200000] [--batch 50 | --producers 1000] [--no-indexer]`

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "200000" },
    batch: { type: "string", default: "50" },
    // As the persistence benchmark: this many producers each submit their next message to the
    // group-commit writer as soon as the last is stored (the batch is then about this large).
    producers: { type: "string", default: "0" },
    every: { type: "string", default: "20000" },
    "no-indexer": { type: "boolean", default: false },
    // A test of the GC's pacing: Bun.gc(false) (a quick, non-blocking-ish collection) after every this many messages; 0 = never.
    "gc-every": { type: "string", default: "0" },
    contexts: { type: "boolean", default: true },
  },
});
const MESSAGES = Number(values.messages);
const BATCH = Number(values.batch);
const EVERY = Number(values.every);
const PRODUCERS = Number(values.producers);
const GC_EVERY = Number(values["gc-every"]);
const MiB = 1024 * 1024;

// PostgreSQL's linear memory, seen through the PGlite instance the store's first query runs on:
// its size is what PostgreSQL has grown to (wasm memory never shrinks).
let pglite: any;
const query = PGlite.prototype.query;
PGlite.prototype.query = function (this: PGlite, ...args: Parameters<typeof query>) {
  pglite ??= this;
  return query.apply(this, args);
} as typeof query;
const wasmBytes = (): number | undefined => pglite?.mod?.HEAPU8?.byteLength ?? pglite?.mod?.HEAP8?.byteLength;

interface Mapping { size: number; rss: number; anon: boolean; name: string }

function mappings(): Mapping[] {
  const out: Mapping[] = [];
  let current: Mapping | undefined;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      current = { size: 0, rss: 0, anon: head[3] === "0", name: head[4] ?? "" };
      out.push(current);
    } else if (current && line.startsWith("Size:")) current.size = Number(line.split(/\s+/)[1]) * 1024;
    else if (current && line.startsWith("Rss:")) current.rss = Number(line.split(/\s+/)[1]) * 1024;
  }
  return out;
}

const mib = (n: number) => (n / MiB).toFixed(0);

async function sample(db: Awaited<ReturnType<typeof embeddedClient>>, stored: number, started: number) {
  const maps = mappings();
  const anon = maps.filter((m) => m.anon && !m.name.startsWith("[stack"));
  const biggest = [...anon].sort((a, b) => b.rss - a.rss);
  const file = maps.filter((m) => !m.anon).reduce((a, m) => a + m.rss, 0);
  const rss = maps.reduce((a, m) => a + m.rss, 0);
  const js = heapStats();
  const usage = process.memoryUsage();
  let contexts = "";
  if (values.contexts) {
    const rows = await db.query<{ name: string; total: string }>(
      "SELECT name, sum(total_bytes)::bigint AS total FROM pg_backend_memory_contexts GROUP BY name ORDER BY 2 DESC LIMIT 3");
    const all = await db.query<{ total: string }>("SELECT sum(total_bytes)::bigint AS total FROM pg_backend_memory_contexts");
    contexts = ` pg-contexts=${mib(Number(all[0]!.total))} (${rows.map((r) => `${r.name} ${mib(Number(r.total))}`).join(", ")})`;
  }
  const cpu = process.cpuUsage();
  console.log([
    `${String(stored).padStart(7)} msgs`,
    `rss=${mib(rss)}`,
    `wasm-memory=${wasmBytes() === undefined ? "?" : mib(wasmBytes()!)}`,
    `anon=${mib(anon.reduce((a, m) => a + m.rss, 0))} (biggest rss/size: ${biggest.slice(0, 5).map((m) => `${mib(m.rss)}/${mib(m.size)}`).join(" ")})`,
    `file=${mib(file)}`,
    `js-heap=${mib(js.heapSize)}/${mib(js.heapCapacity)} extra=${mib(js.extraMemorySize)}`,
    `ab=${mib(usage.arrayBuffers)}`,
    `cpu=${((cpu.user + cpu.system) / 1e6).toFixed(1)}s`,
    `t=${((performance.now() - started) / 1000).toFixed(0)}s`,
  ].join(" ") + contexts);
}

const dir = await freshDataDir("chat-rss-");
const db = await embeddedClient(dir);
const store = new SqlStore("embedded", db);
store.reportTo({ info() {}, warn() {}, error: (e, f) => console.error(e, f) });
if (values["no-indexer"]) await store.searchIndexer.close();
const user = await store.createUser("Writer", "h");
const room = await store.ensureRoom("#load", user.id);
const started = performance.now();
console.log(`bun ${Bun.version}, ${PRODUCERS ? `${PRODUCERS} producers through the writer` : `batches of ${BATCH}`}, indexer ${values["no-indexer"] ? "off" : "on"}, ${dir}`);
await sample(db, 0, started);
const text = (n: number) => `message ${n} of the memory run, about as long as a chat line`;
if (PRODUCERS > 0) {
  const writer = new MessageWriter((b) => store.insertMessages(b), () => {});
  let submitted = 0;
  let stored = 0;
  let sampling = Promise.resolve();
  const producer = async () => {
    while (submitted < MESSAGES) {
      const n = submitted++;
      await writer.submit({ kind: "public", senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: text(n) });
      if (GC_EVERY && (stored + 1) % GC_EVERY === 0) Bun.gc(false);
      if (++stored % EVERY === 0) {
        const at = stored;
        sampling = sampling.then(() => sample(db, at, started));
      }
    }
  };
  await Promise.all(Array.from({ length: PRODUCERS }, producer));
  await sampling;
} else {
  for (let stored = 0; stored < MESSAGES;) {
    const batch: NewMessage[] = [];
    for (let i = 0; i < BATCH; i++, stored++) {
      batch.push({ kind: "public", senderId: user.id, from: user.nick, roomId: room.id, room: room.name, text: text(stored) });
    }
    await store.insertMessages(batch);
    if (stored % EVERY === 0) {
      await store.searchIndexer.settled();
      await sample(db, stored, started);
    }
  }
}
await store.searchIndexer.settled();
Bun.gc(true);
console.log("after a full GC:");
await sample(db, MESSAGES, started);
await store.close();
const { rmSync } = await import("node:fs");
rmSync(dir, { recursive: true, force: true });
