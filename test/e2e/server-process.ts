import type { Subprocess } from "bun";
import { join } from "node:path";
import { Signal } from "./signal.ts";

const ROOT = join(import.meta.dir, "../..");
export const MAIN = join(ROOT, "main.ts");

/** `chat` as a real child process (bun main.ts), so signals and exit codes are the real ones. */
export interface ServerProcess {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  tcpPort: number;
  httpPort: number;
  /** The whole `started` log record: TLS ports, addresses. */
  started: Record<string, any>;
  /** Everything it printed to stdout so far. */
  output(): string;
  /** Waits until what it printed matches `re`. */
  waitForOutput(re: RegExp, timeout?: number): Promise<string>;
}

export async function spawnServer(cwd: string, args: string[], env?: Record<string, string>): Promise<ServerProcess> {
  const proc = Bun.spawn([process.execPath, MAIN, ...args], { cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe", ...(env && { env: { ...process.env, ...env } }) });
  let out = "";
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let started: { tcpPort: number; httpPort: number; [k: string]: any } | undefined;
  while (!started) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chat exited before starting:\n${out}${await new Response(proc.stderr).text()}`);
    out += decoder.decode(value, { stream: true });
    const line = out.split("\n").find((l) => l.includes('"event":"started"'));
    if (line) started = JSON.parse(line);
  }
  // Keep reading, or a full pipe would block the server's logging.
  const signal = new Signal();
  let ended = false;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        ended = true;
        signal.wake();
        return;
      }
      out += decoder.decode(value, { stream: true });
      signal.wake();
    }
  })();
  const waitForOutput = (re: RegExp, timeout = 10_000) => signal.until(() => {
    const found = re.exec(out)?.[0];
    if (found === undefined && ended) throw new Error(`chat exited; it printed:\n${out}`);
    return found;
  }, Date.now() + timeout, () => `Timed out waiting for ${re}; chat printed:\n${out}`);
  return { proc, tcpPort: started.tcpPort, httpPort: started.httpPort, started, output: () => out, waitForOutput };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `chat admin <args>` to completion, with `input` (if given) as its whole stdin. */
export async function admin(cwd: string, args: string[], { input }: { input?: string } = {}): Promise<Run> {
  const proc = Bun.spawn([process.execPath, MAIN, "admin", ...args], {
    cwd, stdin: input === undefined ? "ignore" : new Blob([input]), stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" },
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A port that was free a moment ago, for a config file that must name its ports. */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}
