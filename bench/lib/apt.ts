import { existsSync, rmSync, writeFileSync } from "node:fs";

// Debian packages the benchmark needs (PostgreSQL, the IRC peers), installed on demand by a full
// `npm run bench`, which calls allowInstalling(). Tests and --quick runs only use what is there:
// for them ensurePackage() is a check that throws when the package is missing.
let allowed = false;
export function allowInstalling() {
  allowed = true;
}

/**
 * Installs `pkg` with apt-get unless it is there already: `binary` exists or, without one,
 * dpkg lists the package as installed. Its system service is kept from starting.
 */
export function ensurePackage(pkg: string, binary?: string): void {
  const installed = () => (binary ? existsSync(binary) : dpkgInstalled(pkg));
  if (installed()) return;
  if (!allowed) throw new Error(`${pkg} is not installed (${binary ?? "dpkg does not list it"}); \`npm run bench\` or \`apt-get install ${pkg}\` installs it`);
  // Installing a server package would start its system daemon (an IRC daemon on port 6667,
  // PostgreSQL's main cluster on 5432); policy-rc.d forbids that.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  try {
    if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    let result = aptGet(["install", "-y", pkg]);
    // Only a stale or empty package list needs the (slow) update.
    if (!result.ok) {
      aptGet(["update"]);
      result = aptGet(["install", "-y", pkg]);
    }
    if (!result.ok) throw new Error(`Cannot install ${pkg} with apt-get (root and Debian's package lists are needed): ${result.tail}`);
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  // Should the daemon have started anyway, stop it and keep it from starting at boot.
  quietly(["service", pkg, "stop"]);
  quietly(["systemctl", "disable", "--now", pkg]);
  if (!installed()) throw new Error(`${pkg} is installed but ${binary ?? "dpkg does not list it"} is missing`);
}

function dpkgInstalled(pkg: string): boolean {
  try {
    const r = Bun.spawnSync(["dpkg-query", "-W", "-f=${Status}", pkg], { stdout: "pipe", stderr: "ignore" });
    return r.exitCode === 0 && r.stdout.toString() === "install ok installed";
  } catch {
    return false;
  }
}

function aptGet(args: string[]): { ok: boolean; tail: string } {
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const r = Bun.spawnSync(["apt-get", "-q", ...args], { env, stdout: "pipe", stderr: "pipe" });
    const tail = (r.stdout.toString() + r.stderr.toString()).trim().split("\n").slice(-3).join(" | ");
    return { ok: r.exitCode === 0, tail };
  } catch (e) {
    return { ok: false, tail: String(e) };
  }
}

function quietly(cmd: string[]): void {
  try {
    Bun.spawnSync(cmd, { stdout: "ignore", stderr: "ignore" });
  } catch {}
}
