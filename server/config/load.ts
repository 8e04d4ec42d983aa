import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { configSchema, type Config } from "./schema.ts";

/** A config problem, worded as the one line the operator reads before the process exits 2. */
export class ConfigError extends Error {}

export interface ConfigSources {
  /** --config, else CHAT_CONFIG, else ./chat.json when it exists. */
  path?: string;
  env?: Record<string, string | undefined>;
  /** Flag values, already mapped to config keys. */
  overrides?: Partial<Record<"host" | "tcpPort" | "httpPort" | "dataDir", string | number>>;
  cwd?: string;
}

export function loadConfig(sources: ConfigSources = {}): Config & { file?: string } {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const explicit = sources.path ?? env.CHAT_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : existsSync(resolve(cwd, "chat.json")) ? resolve(cwd, "chat.json") : undefined;

  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new ConfigError(`Config file ${file} does not exist`);
      throw new ConfigError(`Cannot read config ${file}: ${code ?? e}`);
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new ConfigError(`Config ${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`Config ${file} must hold a JSON object`);
    }
  }

  const merged: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    if (value === undefined) continue;
    merged[key] = key.endsWith("Port") ? portFlag(key, value) : value;
  }
  if (env.DATABASE_URL) merged.database = { url: env.DATABASE_URL };

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(`Config ${file ?? "(defaults)"}: ${describeIssue(parsed.error.issues[0]!)}`);
  return { ...parsed.data, file };
}

function portFlag(key: string, value: string | number): number | string {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isInteger(n) ? n : String(value);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
    return `unknown key ${keys.map((k) => `"${k}"`).join(", ")}`;
  }
  const message = issue.message.replace(/^Invalid input: /, "");
  return `${at || "(root)"}: ${message}`;
}
