import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Docker is not available on the machines that run the tests, so the container files are checked
// for what they must say rather than run; the systemd unit is also checked by systemd-analyze.
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
