import { afterAll, beforeAll } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedDataDir } from "../template.ts";
import { CHEAP_HASH, LOOPBACK, removeDir, tempDir } from "./harness.ts";
import { admin, freePort, spawnServer, type ServerProcess } from "./server-process.ts";

/** What a describe of `chat admin` tests gets from adminServer. */
export interface AdminServer {
  dir: string;
  dataDir: string;
  configPath: string;
  /** The config the server started with (written to configPath); tests that rewrite the file start from it. */
  config: Record<string, unknown>;
  readonly server: ServerProcess;
  /** `chat admin <args>`, finding the server through chat.json as a second terminal would. */
  cli(...args: string[]): ReturnType<typeof admin>;
  url(): string;
  /** The token the server wrote at its first start. */
  token(): string;
}

/**
 * One real server process for the enclosing describe, driven by `chat admin`: it finds the server
 * through the same chat.json, with the token the server wrote at its first start.
 */
export function adminServer(): AdminServer {
  const dir = tempDir("chat-admin-");
  const dataDir = join(dir, "data");
  const configPath = join(dir, "chat.json");
  // Every client here is on loopback, many at once and fast: exempt it from the per-address throttles.
  const config: Record<string, unknown> = {
    host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), dataDir, motd: "Config MOTD", limits: { exemptAddresses: LOOPBACK }, passwordHash: CHEAP_HASH,
  };
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    writeFileSync(configPath, JSON.stringify(config));
    await seedDataDir(dataDir);
    server = await spawnServer(dir, []);
  });
  afterAll(async () => {
    server?.proc.kill("SIGKILL");
    await server?.proc.exited;
    removeDir(dir);
  });

  return {
    dir, dataDir, configPath, config,
    get server() {
      if (!server) throw new Error("the chat server has not started");
      return server;
    },
    cli: (...args) => admin(dir, args),
    url: () => `http://127.0.0.1:${server!.httpPort}`,
    token: () => readFileSync(join(dataDir, "admin.token"), "utf8").trim(),
  };
}
