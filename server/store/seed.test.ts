import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { templateDir } from "../../test/template.ts";
import { migrate } from "./migrations.ts";
import { embeddedClient } from "./pglite.ts";
import { needsDatabase, packSeed, seedDataFolder } from "./seed.ts";

describe("the built-in first database", () => {
  const dir = mkdtempSync(join(tmpdir(), "chat-seed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("packSeed then seedDataFolder gives a migrated database with a small buffer pool", async () => {
    const seedFile = join(dir, "seed.tar.gz");
    await packSeed(join(await templateDir(), "pgdata"), seedFile);
    const dataDir = join(dir, "data");
    // An empty folder where the database goes, as a first start may leave.
    mkdirSync(join(dataDir, "pgdata"), { recursive: true });
    expect(await seedDataFolder(join(dataDir, "pgdata"), Bun.file(seedFile))).toBe(true);
    expect(existsSync(join(dataDir, "pgdata.unpacking"))).toBe(false);
    // PostgreSQL needs its empty folders too, which the tar does not hold as files.
    expect(existsSync(join(dataDir, "pgdata", "pg_notify"))).toBe(true);
    // The template was tuned when made: unpacking does not add chat's settings a second time.
    const auto = readFileSync(join(dataDir, "pgdata", "postgresql.auto.conf"), "utf8");
    expect(auto.split("shared_buffers").length - 1).toBe(1);
    // One open for both checks (each open of an embedded folder costs ~1 CPU-s).
    const client = await embeddedClient(dataDir);
    try {
      expect(await migrate(client)).toBe(0);
      expect(await client.query("show shared_buffers")).toEqual([{ shared_buffers: "8MB" }]);
      expect(await client.query("show max_connections")).toEqual([{ max_connections: "5" }]);
    } finally {
      await client.close();
    }
    // A folder with a database, or with anything in it, is never replaced.
    expect(await seedDataFolder(join(dataDir, "pgdata"), Bun.file(seedFile))).toBe(false);
    const cluttered = join(dir, "cluttered", "pgdata");
    mkdirSync(cluttered, { recursive: true });
    writeFileSync(join(cluttered, "notes.txt"), "mine");
    expect(needsDatabase(cluttered)).toBe(true);
    await expect(seedDataFolder(cluttered, Bun.file(seedFile))).rejects.toThrow();
    expect(existsSync(join(cluttered, "notes.txt"))).toBe(true);
    expect(existsSync(`${cluttered}.unpacking`)).toBe(false);
  });
});
