import { expect, test } from "bun:test";
import { join } from "node:path";

const exitModule = JSON.stringify(join(import.meta.dir, "exit.ts"));

/** Runs `script` with its stdout piped to a reader that starts late, as `| less` may: what it read, and the exit code. */
async function lateReader(script: string): Promise<{ printed: string; code: number }> {
  // The pause only makes the reader late; no check depends on how long it is.
  const shell = Bun.spawn(["bash", "-c", `"$0" -e "$1" | (sleep 0.5; cat); echo "exit \${PIPESTATUS[0]}" >&2`, process.execPath, script], { stdout: "pipe", stderr: "pipe" });
  const [printed, status] = await Promise.all([new Response(shell.stdout).text(), new Response(shell.stderr).text()]);
  await shell.exited;
  return { printed, code: Number(/exit (\d+)/.exec(status)?.[1]) };
}

test("a process ended by exitWhenWritten gives a late reader all it wrote, with its exit code", async () => {
  // Three times a pipe's buffer, written the way the server's log lines are.
  const script = `import { exitWhenWritten } from ${exitModule};
    for (let i = 0; i < 200; i++) process.stdout.write(String(i).padEnd(999, "x") + "\\n");
    exitWhenWritten(3);`;
  const { printed, code } = await lateReader(script);
  expect(printed.length).toBe(200 * 1000);
  expect(code).toBe(3);
});

test("something left open does not keep the process from ending", async () => {
  const script = `import { exitWhenWritten } from ${exitModule};
    setInterval(() => {}, 1000);
    console.log("done");
    exitWhenWritten(4);`;
  const { printed, code } = await lateReader(script);
  expect(printed).toBe("done\n");
  expect(code).toBe(4);
});
