import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A random secret kept in <dataDir>/<name>, created at first use, so it outlives a restart.
 * Mode 0600 on an exclusive create is enough: the umask can only take bits away.
 */
export function dataDirSecret(dataDir: string, name: string, encoding: "hex" | "base64url"): string {
  const path = join(dataDir, name);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString(encoding);
  writeFileSync(path, secret + "\n", { mode: 0o600, flag: "wx" });
  return secret;
}

/** Compares without leaking, through timing, how much of a guess was right. */
export function secretsMatch(given: string | Buffer, expected: string | Buffer): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
