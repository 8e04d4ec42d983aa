// How a `chat` executable is made, for `npm run build` (this machine) and `npm run release` (four platforms).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { embeddedStore } from "../server/store/pglite.ts";
import { packSeed, SEED_NAME } from "../server/store/seed.ts";

export const ROOT = join(import.meta.dir, "..");

/**
 * Makes the migrated database a first start unpacks (see server/store/seed.ts) in `outDir`, from
 * `fromPgdata` (a closed, migrated data folder) or by creating one here (initdb, ~10 s).
 */
export async function makeSeed(outDir: string, fromPgdata?: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, SEED_NAME);
  if (fromPgdata) {
    await packSeed(fromPgdata, out);
    return out;
  }
  const scratch = mkdtempSync(join(tmpdir(), "chat-seed-"));
  try {
    const store = await embeddedStore(scratch);
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    await packSeed(join(scratch, "pgdata"), out);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

export interface CompileOptions {
  outfile: string;
  seed: string;
  /** A Bun target such as bun-linux-arm64; this machine's when absent. */
  target?: string;
  /** The Bun runtime to build on, from an @oven/bun-<platform> package, so a cross build needs no network. */
  executablePath?: string;
}

/** Runs `bun build --compile`: the server, SQL, PGlite's files and the seed database in one file. */
export function compile({ outfile, seed, target, executablePath }: CompileOptions): void {
  // --bytecode: JavaScriptCore's bytecode is made at build time, so a start does not parse the
  // whole bundle (`chat version` 286 -> 152 ms of CPU, measured; the file grows by ~8 MB).
  const args = [process.execPath, "build", "--compile", "--minify", "--bytecode", "main.ts", seed, "--outfile", outfile,
    // The seed keeps its name inside the binary, where builtInSeed() looks for it.
    "--asset-naming", "[name].[ext]"];
  if (target) args.push(`--target=${target}`);
  if (executablePath) args.push("--compile-executable-path", executablePath);
  const proc = Bun.spawnSync(args, { stdout: "pipe", stderr: "pipe", cwd: ROOT });
  if (proc.exitCode !== 0) throw new Error(`bun build failed for ${target ?? "this machine"}:\n${proc.stderr}${proc.stdout}`);
}
