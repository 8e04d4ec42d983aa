import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import { dataDirSecret } from "../secrets/data-secret.ts";

const TOKEN_FILE = "admin.token";

/** The server's admin token: the config's, else the one in <dataDir>/admin.token, created (0600) at first start. */
export function serverToken(config: Config): string {
  return config.admin.token || dataDirSecret(config.dataDir, TOKEN_FILE, "base64url");
}

/** The token `chat admin` sends: the config's, else the server's file; throws a one-line reason when neither exists. */
export function clientToken(config: Config): string {
  if (config.admin.token) return config.admin.token;
  const path = join(config.dataDir, TOKEN_FILE);
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new Error(`No admin token: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e}); start the server once, or pass --token`);
  }
}
