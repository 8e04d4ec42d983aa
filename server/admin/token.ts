import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";

export function tokenPath(dataDir: string): string {
  return join(dataDir, "admin.token");
}

/** The server's admin token: the config's, else the one in <dataDir>/admin.token, created (0600) at first start. */
export function serverToken(config: Config): string {
  if (config.admin.token) return config.admin.token;
  const path = tokenPath(config.dataDir);
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  mkdirSync(config.dataDir, { recursive: true });
  const token = randomBytes(32).toString("base64url");
  // `mode` only applies when the file is created; chmod also covers a umask that widened it.
  writeFileSync(path, token + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return token;
}

/** The token `chat admin` sends: the config's, else the server's file; throws a one-line reason when neither exists. */
export function clientToken(config: Config): string {
  if (config.admin.token) return config.admin.token;
  const path = tokenPath(config.dataDir);
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new Error(`No admin token: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e}); start the server once, or pass --token`);
  }
}

export function tokensMatch(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
