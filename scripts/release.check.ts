// `npm run release:check`: builds the release (slow: not part of npm test) and runs what this
// machine can run: the x64 binary natively, the arm64 one under qemu-user when it is installed
// with its glibc (apt-get install qemu-user libc6-arm64-cross), and the macOS and Windows ones
// only by their file headers.
import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templateDir } from "../test/template.ts";
import { release } from "./release.ts";

const OUT = join(import.meta.dir, "..", "dist", "release");
const QEMU = Bun.which("qemu-aarch64") ?? Bun.which("qemu-aarch64-static");
// The arm64 binary's dynamic loader and libc, from libc6-arm64-cross.
const ARM64_ROOT = "/usr/aarch64-linux-gnu";

/** Starts `cmd` on an empty folder, waits for its started line, checks /healthz, stops it with SIGTERM. */
async function serves(cmd: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chat-release-run-"));
  try {
    const proc = Bun.spawn([...cmd, "--host", "127.0.0.1", "--port", "0", "--http-port", "0"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
    const reader = proc.stdout.getReader();
    let out = "";
    let started: { httpPort: number } | undefined;
    while (!started) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`exited early: ${out}${await new Response(proc.stderr).text()}`);
      out += new TextDecoder().decode(value);
      const line = out.split("\n").find((l) => l.includes('"event":"started"'));
      if (line) started = JSON.parse(line);
    }
    const health = await fetch(`http://127.0.0.1:${started.httpPort}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: "ok", store: "embedded" });
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("npm run release", () => {
  let built: string[] = [];
  beforeAll(async () => {
    built = await release({ seedFrom: join(await templateDir(), "pgdata") });
  });

  test("builds four platforms with a checksum for each", () => {
    expect(built).toEqual(["chat-linux-x64", "chat-linux-arm64", "chat-darwin-arm64", "chat-windows-x64.exe"]);
    const sums = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: OUT, stdout: "pipe" });
    expect(sums.exitCode).toBe(0);
    expect(sums.stdout.toString().trim().split("\n")).toHaveLength(4);
  });

  test("the macOS and Windows files are Mach-O arm64 and PE executables", () => {
    const mac = readFileSync(join(OUT, "chat-darwin-arm64")).subarray(0, 8);
    // MH_MAGIC_64, then CPU_TYPE_ARM64 (0x0100000c), little-endian.
    expect([...mac]).toEqual([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01]);
    expect(readFileSync(join(OUT, "chat-windows-x64.exe")).subarray(0, 2).toString()).toBe("MZ");
  });

  test("the linux-x64 (baseline) binary prints its version and serves on an empty folder", async () => {
    const v = Bun.spawnSync([join(OUT, "chat-linux-x64"), "version"], { stdout: "pipe" });
    expect(v.stdout.toString()).toMatch(/^chat \d+\.\d+\.\d+\n$/);
    await serves([join(OUT, "chat-linux-x64")]);
  });

  // Only its version and help: emulated, PGlite's start takes minutes.
  test.skipIf(!QEMU || !existsSync(ARM64_ROOT))("the linux-arm64 binary runs under qemu-user", () => {
    const run = (arg: string) => Bun.spawnSync([QEMU!, "-L", ARM64_ROOT, join(OUT, "chat-linux-arm64"), arg], { stdout: "pipe", stderr: "pipe" });
    expect(run("version").stdout.toString()).toMatch(/^chat \d+\.\d+\.\d+\n$/);
    expect(run("--help").stdout.toString()).toContain("chat healthcheck");
  });
});
