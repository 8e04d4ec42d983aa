import { expect, test } from "bun:test";
import { join } from "node:path";

test("everything chat admin prints reaches a pipe, however much, though the process exits at once", async () => {
  // 200 lines of 1,000 bytes, three times a pipe's buffer: the writer must wait for the reader.
  const script = `import { terminalOutput } from ${JSON.stringify(join(import.meta.dir, "output.ts"))};
    const out = terminalOutput(true);
    for (let i = 0; i < 200; i++) out.line(String(i).padEnd(999, "x"));
    process.exit(0);`;
  // The reader starts late, as `| less` may: without waiting for it, the writer's exit would cut the
  // output at the pipe's buffer. (The pause only makes the reader late; the check does not depend on it.)
  const child = Bun.spawn(["sh", "-c", `"$0" -e "$1" | (sleep 0.5; cat)`, process.execPath, script], { stdout: "pipe", stderr: "pipe" });
  const printed = await new Response(child.stdout).text();
  expect(await child.exited).toBe(0);
  expect(printed.length).toBe(200 * 1000);
  expect(printed.endsWith(`199${"x".repeat(996)}\n`)).toBe(true);
});
