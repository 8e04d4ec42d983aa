import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type postgres from "postgres";
import type { Config } from "../config/schema.ts";
import { dataDirSecret } from "./data-secret.ts";

/** The secrets a server signs and checks with: resume tokens' key and the admin token. */
export interface ServerSecrets {
  resume: Buffer;
  adminToken: string;
}

const ADMIN_TOKEN_FILE = "admin.token";

/**
 * With the embedded store, files in the data folder. With a real PostgreSQL, the database's, so
 * every node sharing it accepts what another issued (a web client resumes on any node, `chat admin`
 * reaches any node with one token). The first server to start puts its data folder's secrets
 * there, so tokens issued before keep working; the admin token is written back to its file, where
 * `chat admin` on this host reads it.
 */
export async function serverSecrets(config: Config): Promise<ServerSecrets> {
  const resumeHere = dataDirSecret(config.dataDir, "resume.secret", "hex");
  const adminHere = config.admin.token || dataDirSecret(config.dataDir, ADMIN_TOKEN_FILE, "base64url");
  if (!config.database) return { resume: Buffer.from(resumeHere, "hex"), adminToken: adminHere };
  // Loaded only here: a server on the embedded store never evaluates the driver (memory at start).
  const { default: postgres } = await import("postgres");
  const sql = postgres(config.database, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    const resume = await shared(sql, "secret.resume", resumeHere);
    if (config.admin.token) return { resume: Buffer.from(resume, "hex"), adminToken: config.admin.token };
    const adminToken = await shared(sql, "secret.admin_token", adminHere);
    if (adminToken !== adminHere) writeFileSync(join(config.dataDir, ADMIN_TOKEN_FILE), adminToken + "\n", { mode: 0o600 });
    return { resume: Buffer.from(resume, "hex"), adminToken };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** The database's value of `key`, set to `mine` when it had none; two nodes starting together agree. */
async function shared(sql: postgres.Sql, key: string, mine: string): Promise<string> {
  await sql`INSERT INTO settings (key, value) VALUES (${key}, ${mine}) ON CONFLICT (key) DO NOTHING`;
  const [row] = await sql<{ value: string }[]>`SELECT value FROM settings WHERE key = ${key}`;
  return row!.value;
}
