import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configSchema } from "../server/config/schema.ts";

// Docker is not installed where the tests run (the files were run once by hand: see the README), so
// the container files are checked for what they must say; the systemd unit also by systemd-analyze.
const ROOT = join(import.meta.dir, "..");
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

describe("Dockerfile", () => {
  const lines = read("Dockerfile").split("\n").filter((l) => l && !l.startsWith("#"));
  const instruction = (name: string) => lines.filter((l) => l.startsWith(`${name} `));

  test("copies the binary onto a small base and runs it as a non-root user with its data in a volume", () => {
    expect(instruction("FROM")).toEqual([expect.stringMatching(/^FROM (debian:\d+-slim|gcr\.io\/distroless\/)/)]);
    expect(instruction("COPY").join()).toContain("dist/chat /usr/local/bin/chat");
    const user = instruction("USER");
    expect(user).toHaveLength(1);
    expect(user[0]).not.toMatch(/^USER (root|0)\b/);
    expect(instruction("VOLUME").join()).toContain("/data");
    expect(instruction("CMD").join()).toContain('"--data-dir", "/data"');
  });

  test("sends the builder only the binary, not node_modules", () => {
    expect(read(".dockerignore").split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["*", "!dist/chat"]);
  });

  test("checks health with chat's own subcommand, since the image has no curl", () => {
    const text = read("Dockerfile");
    expect(text).toMatch(/HEALTHCHECK [^\n]*\\\n\s+CMD \["\/usr\/local\/bin\/chat", "healthcheck"/);
    expect(lines.join("\n")).not.toContain("curl ");
  });
});

describe("compose.yaml", () => {
  const compose = Bun.YAML.parse(read("compose.yaml")) as any;

  test("runs PostgreSQL from the official image with a named volume and a TCP readiness check", () => {
    const pg = compose.services.postgres;
    expect(pg.image).toMatch(/^postgres:\d+$/);
    expect(pg.volumes).toContain("pgdata:/var/lib/postgresql/data");
    expect(Object.keys(compose.volumes)).toContain("pgdata");
    expect(pg.healthcheck.test.slice(0, 4)).toEqual(["CMD", "pg_isready", "-h", "127.0.0.1"]);
  });

  test("starts chat once PostgreSQL is healthy, with its ports, a mounted config and a database URL that matches", () => {
    const chat = compose.services.chat;
    const pg = compose.services.postgres.environment;
    expect(chat.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(chat.ports).toEqual(expect.arrayContaining(["12345:12345", "8080:8080"]));
    expect(chat.environment.DATABASE_URL).toBe(`postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`);
    const config = (chat.volumes as string[]).find((v) => v.endsWith(":ro"))!;
    const [file, mounted] = config.split(":");
    expect(mounted).toBe(chat.environment.CHAT_CONFIG);
    // The mounted file is one chat accepts.
    expect(() => JSON.parse(read(file!.replace(/^\.\//, "")))).not.toThrow();
  });
});

describe("deploy/cluster: two nodes, PostgreSQL and HAProxy", () => {
  const compose = Bun.YAML.parse(read("deploy/cluster/compose.yaml")) as any;
  const nodes = ["chat1", "chat2"];
  const cfg = read("deploy/cluster/haproxy.cfg").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  /** The lines of a haproxy.cfg section (`backend telnet_nodes`), up to the next section. */
  const section = (title: string) => {
    const at = cfg.indexOf(title);
    const end = cfg.findIndex((l, i) => i > at && /^(global|defaults|frontend|backend|listen)\b/.test(l));
    return at < 0 ? [] : cfg.slice(at + 1, end < 0 ? undefined : end);
  };

  test("both nodes run the image on the one database, each with its own host name and data, once PostgreSQL is healthy", () => {
    const pg = compose.services.postgres.environment;
    const url = `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`;
    for (const name of nodes) {
      const node = compose.services[name];
      expect(node.build).toEqual({ context: "../..", dockerfile: "Dockerfile" });
      expect(node.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
      expect(node.environment.DATABASE_URL).toBe(url);
      expect(node.volumes).toContain(`./chat.json:${node.environment.CHAT_CONFIG}:ro`);
      expect(node.ports).toBeUndefined();
    }
    expect(new Set(nodes.map((n) => compose.services[n].hostname)).size).toBe(nodes.length);
    expect(new Set(nodes.map((n) => compose.services[n].volumes.find((v: string) => v.endsWith(":/data")))).size).toBe(nodes.length);
  });

  test("HAProxy alone publishes the ports, from the address the nodes' config trusts, and that config is one chat accepts", () => {
    const haproxy = compose.services.haproxy;
    expect(haproxy.ports).toEqual(["12345:12345", "8080:8080"]);
    expect(haproxy.volumes).toContain("./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    const address = haproxy.networks.chat.ipv4_address;
    expect(compose.networks.chat.ipam.config[0].subnet).toBe(`${address.split(".").slice(0, 3).join(".")}.0/24`);
    const config = JSON.parse(read("deploy/cluster/chat.json"));
    expect(config.trustedProxies).toEqual([address]);
    expect(config.cluster.enabled).toBe(true);
    // DATABASE_URL comes from the environment; with it, the file passes chat's own schema.
    const parsed = configSchema.parse({ ...config, database: { url: compose.services.chat1.environment.DATABASE_URL } });
    expect(parsed.trustedProxies).toEqual([address]);
  });

  test("haproxy.cfg sends the PROXY protocol to every node's telnet port, and X-Forwarded-For to their HTTP port", () => {
    const telnet = section("backend telnet_nodes");
    expect(telnet).toContain("mode tcp");
    for (const name of nodes) expect(telnet).toContainEqual(expect.stringMatching(new RegExp(`^server ${name} ${name}:12345 .*\\bsend-proxy(-v2)?\\b`)));
    expect(section("frontend telnet")).toEqual(expect.arrayContaining(["mode tcp", "bind :12345", "default_backend telnet_nodes"]));
    expect(section("frontend web")).toEqual(expect.arrayContaining(["mode http", "bind :8080", "option forwardfor", "default_backend web_nodes"]));
    const web = section("backend web_nodes");
    for (const name of nodes) expect(web).toContainEqual(expect.stringMatching(new RegExp(`^server ${name} ${name}:8080\\b`)));
  });
});

describe("deploy/chat.service", () => {
  const unit = read("deploy/chat.service");
  const keys = new Map(unit.split("\n").filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

  test("has its own user and state folder, reloads with SIGHUP, a raised file limit and the usual protections", () => {
    expect(keys.get("DynamicUser")).toBe("yes");
    expect(keys.get("StateDirectory")).toBe("chat");
    expect(keys.get("ExecReload")).toBe("/bin/kill -HUP $MAINPID");
    expect(Number(keys.get("LimitNOFILE"))).toBeGreaterThanOrEqual(65536);
    expect(keys.get("ProtectSystem")).toBe("strict");
    expect(keys.get("NoNewPrivileges")).toBe("yes");
    expect(keys.get("ExecStart")).toContain("--data-dir /var/lib/chat");
    // It breaks the JavaScript JIT.
    expect(keys.has("MemoryDenyWriteExecute")).toBe(false);
  });

  test.skipIf(!Bun.which("systemd-analyze"))("passes systemd-analyze verify", () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-unit-"));
    try {
      // verify wants ExecStart's program to exist; a stand-in takes the binary's place.
      const unitFile = join(dir, "chat.service");
      writeFileSync(unitFile, unit.replaceAll("/usr/local/bin/chat", "/bin/true"));
      const r = Bun.spawnSync(["systemd-analyze", "verify", unitFile], { stdout: "pipe", stderr: "pipe" });
      const complaints = r.stderr.toString().split("\n").filter((l) => l.includes("chat.service"));
      expect(complaints).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
