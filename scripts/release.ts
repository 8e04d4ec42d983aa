// `npm run release`: chat for four platforms in dist/release/, with SHA256SUMS. Each target's Bun
// runtime comes from its @oven/bun-<platform> npm package (npm pack, kept in node_modules/.cache),
// so after the first run it builds with no network; `bun build --compile` then only appends.
// `bun scripts/release.ts [--seed-from PGDATA] [--only linux-x64,…]`
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { compile, makeSeed, ROOT } from "./compile.ts";

/** What `npm run release` builds: name in the file, Bun's target, and the npm package holding that runtime. */
export const TARGETS = [
  // The baseline build runs on x86-64 CPUs without AVX2 (older servers, some virtual machines).
  { name: "linux-x64", target: "bun-linux-x64-baseline", pkg: "@oven/bun-linux-x64-baseline", exe: "bun" },
  { name: "linux-arm64", target: "bun-linux-arm64", pkg: "@oven/bun-linux-aarch64", exe: "bun" },
  { name: "darwin-arm64", target: "bun-darwin-arm64", pkg: "@oven/bun-darwin-aarch64", exe: "bun" },
  { name: "windows-x64", target: "bun-windows-x64", pkg: "@oven/bun-windows-x64", exe: "bun.exe" },
] as const;

const OUT = join(ROOT, "dist", "release");
const CACHE = join(ROOT, "node_modules", ".cache", "bun-runtimes");

/** The runtime binary of `pkg` at this Bun's version (the compiler and runtime must match), fetched once. */
function runtime(pkg: string, exe: string): string {
  const dir = join(CACHE, `${pkg.replace("@oven/", "")}-${Bun.version}`);
  const bin = join(dir, "package", "bin", exe);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", `${pkg}@${Bun.version}`, "--silent", "--pack-destination", dir], { stdout: "pipe", stderr: "pipe" });
  if (pack.exitCode !== 0) throw new Error(`npm pack ${pkg}@${Bun.version} failed (offline, and not cached in ${CACHE}?):\n${pack.stderr}`);
  const tgz = join(dir, pack.stdout.toString().trim().split("\n").pop()!);
  const untar = Bun.spawnSync(["tar", "xzf", tgz, "-C", dir]);
  if (untar.exitCode !== 0 || !existsSync(bin)) throw new Error(`${tgz} holds no package/bin/${exe}`);
  rmSync(tgz);
  return bin;
}

export async function release({ seedFrom, only }: { seedFrom?: string; only?: string[] } = {}): Promise<string[]> {
  mkdirSync(OUT, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "chat-release-"));
  const built: string[] = [];
  try {
    // One seed for every platform: a PostgreSQL data folder is the same bytes everywhere PGlite runs.
    const seed = await makeSeed(work, seedFrom);
    for (const t of TARGETS.filter((t) => !only || only.includes(t.name))) {
      const file = `chat-${t.name}${t.exe.endsWith(".exe") ? ".exe" : ""}`;
      compile({ outfile: join(OUT, file), seed, target: t.target, executablePath: runtime(t.pkg, t.exe) });
      built.push(file);
      console.log(`built dist/release/${file}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const sums = built.map((f) => `${createHash("sha256").update(readFileSync(join(OUT, f))).digest("hex")}  ${f}`);
  writeFileSync(join(OUT, "SHA256SUMS"), sums.join("\n") + "\n");
  console.log("wrote dist/release/SHA256SUMS (check with: sha256sum -c SHA256SUMS)");
  return built;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { "seed-from": { type: "string" }, only: { type: "string" } } });
  try {
    await release({ seedFrom: values["seed-from"], only: values.only?.split(",") });
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
}
