import { afterAll, beforeAll } from "bun:test";
import { configSchema } from "../../server/config/schema.ts";
import { silentLog } from "../../server/core/log.ts";
import { startServer, type RunningServer } from "../../server/serve.ts";
import { startPgServer, type PgServer } from "../pg-server.ts";
import { LineClient } from "./client.ts";
import { CHEAP_HASH, LOOPBACK, removeDir, tempDir } from "./harness.ts";
import { login, type Person, type Transport } from "./people.ts";

// Several chat nodes on one real PostgreSQL, for the cluster tests (issue 16).

// Short heartbeats so a dead node is noticed in seconds; the tests wait on what users see, never on time.
export const CLUSTER = { enabled: true, heartbeatSeconds: 0.3, deadAfterSeconds: 2, pollSeconds: 1 };

export interface Node {
  server: RunningServer;
  dir: string;
}

/**
 * A node on `url`. Every test client connects from loopback, as many people at once: as in
 * harness.ts, the per-address throttles do not apply to it; `limits` adds to the config's.
 */
export async function startNode(url: string, name: string, limits: Record<string, unknown> = {}): Promise<Node> {
  const dir = tempDir();
  const config = configSchema.parse({
    host: "127.0.0.1", tcpPort: 0, httpPort: 0, dataDir: dir, database: { url }, node: { name }, cluster: CLUSTER, passwordHash: CHEAP_HASH,
    limits: { exemptAddresses: LOOPBACK, ...limits },
  });
  return { server: await startServer(config, silentLog), dir };
}

/** The nicks /who lists on a terminal. */
export async function who(c: LineClient): Promise<string[]> {
  const from = c.lines.length;
  c.send("/who");
  const title = await c.waitFor(/^\*\*\* Online \(\d+\):/, { from });
  const at = c.lines.indexOf(title, from);
  const n = Number(/\((\d+)\)/.exec(title)![1]);
  await c.until(() => c.lines.length >= at + 1 + n, "the user list");
  return c.lines.slice(at + 1, at + 1 + n).map((l) => l.trim().split(/\s+/)[0]!);
}

export interface ClusterFixture {
  readonly pg: PgServer;
  readonly nodes: Node[];
  /** A person logged in on node i, closed when the describe is done. */
  person(transport: Transport, i: number, nick: string): Promise<Person>;
  /** A terminal logged in on node i, closed when the describe is done. */
  terminal(i: number, nick: string): Promise<LineClient>;
  keep<T extends { close(): void }>(client: T): T;
}

/** A PostgreSQL and nodes "a" and "b" on it for the enclosing describe, torn down after it. */
export function clusterFixture(): ClusterFixture {
  let pg: PgServer | undefined;
  const nodes: Node[] = [];
  const open: { close(): void }[] = [];
  const keep = <T extends { close(): void }>(client: T) => (open.push(client), client);
  beforeAll(async () => {
    pg = (await startPgServer())!;
    nodes.push(await startNode(pg.url, "a"));
    nodes.push(await startNode(pg.url, "b"));
  });
  afterAll(async () => {
    for (const c of open) c.close();
    for (const n of nodes) await n.server.stop();
    await pg?.stop();
    for (const n of nodes) removeDir(n.dir);
  });
  return {
    get pg() {
      return pg!;
    },
    nodes,
    keep,
    person: async (transport, i, nick) => keep(await login(transport, { tcp: nodes[i]!.server.tcpPort, http: nodes[i]!.server.httpPort }, nick)),
    terminal: async (i, nick) => keep(await LineClient.login(nodes[i]!.server.tcpPort, nick)),
  };
}
