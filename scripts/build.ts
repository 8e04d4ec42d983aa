// Builds the single executable dist/chat: server, SQL, PGlite's wasm and data, and a migrated
// database for the first start, all inside. `bun scripts/build.ts [OUTFILE] [--seed-from PGDATA]`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compile, makeSeed } from "./compile.ts";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { "seed-from": { type: "string" } } });
const outfile = positionals[0] ?? "dist/chat";
const work = mkdtempSync(join(tmpdir(), "chat-build-"));
try {
  const seed = await makeSeed(work, values["seed-from"]);
  compile({ outfile, seed });
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
