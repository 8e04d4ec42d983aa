import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";

// The server writes where its admin API answers into the data folder, so `chat admin` finds a
// server started with --http-port, or on port 0, without being told.
const FILE = "admin.url";

const loopback = (host: string) => (["0.0.0.0", "::", ""].includes(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host);

export function writeAdminUrl(config: Config, ports: { httpPort: number }): void {
  writeFileSync(join(config.dataDir, FILE), `http://${loopback(config.host)}:${ports.httpPort}\n`);
}

/** The URL the server last wrote, else the one its config implies. */
export function readAdminUrl(config: Config): string {
  try {
    const url = readFileSync(join(config.dataDir, FILE), "utf8").trim();
    if (url) return url;
  } catch {
    // Never started with this data folder, or started by a version that did not write it.
  }
  return `http://${loopback(config.host)}:${config.httpPort}`;
}
