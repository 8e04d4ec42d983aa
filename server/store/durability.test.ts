import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { lacks } from "../../test/needs.ts";
import { freshDataDir } from "../../test/template.ts";

const CHILD = join(import.meta.dir, "../../test/commit-child.ts");

/** The trace's lines that matter, in order: WAL writes and syncs, and the child's acknowledgements. */
function events(trace: string) {
  const out: ("wal-write" | "wal-sync" | "ack")[] = [];
  for (const line of trace.split("\n")) {
    if (/pwrite64\(\d+<[^>]*\/pg_wal\//.test(line)) out.push("wal-write");
    else if (/f(data)?sync\(\d+<[^>]*\/pg_wal\//.test(line)) out.push("wal-sync");
    else if (/write\(1<[^>]*>, "ack \d+/.test(line)) out.push("ack");
  }
  return out;
}

describe.skipIf(lacks("strace"))("embedded store durability", () => {
  test("every commit's WAL write is synced to disk before the message is acknowledged", async () => {
    const dir = await freshDataDir("chat-durable-");
    const trace = join(dir, "strace.log");
    try {
      const run = spawnSync("strace", ["-f", "-y", "-qq", "-e", "trace=pwrite64,write,fsync,fdatasync", "-o", trace, process.execPath, CHILD, dir, "20"], {
        encoding: "utf8",
      });
      expect(run.stderr).not.toContain("error");
      expect(run.stdout.trim().split("\n")).toHaveLength(20);
      const seen = events(readFileSync(trace, "utf8"));
      expect(seen.filter((e) => e === "ack")).toHaveLength(20);
      // Between one acknowledgement and the next: the message's WAL write, then a sync after it.
      let written = false;
      let synced = false;
      let acks = 0;
      for (const e of seen) {
        if (e === "wal-write") [written, synced] = [true, false];
        else if (e === "wal-sync" && written) synced = true;
        else if (e === "ack") {
          expect({ ack: ++acks, written, synced }).toEqual({ ack: acks, written: true, synced: true });
          [written, synced] = [false, false];
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
