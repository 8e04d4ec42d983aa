import type { Subprocess } from "bun";
import { rmSync } from "node:fs";
import { join } from "node:path";

// The servers we are measured against, started and stopped the same way whatever they are.

export interface PeerServer {
  name: string;
  pid: number;
  port: number;
  /** IRC lines each client sends after the 001 welcome and before JOIN, if the server needs any. */
  afterWelcome?: (nick: string) => string[];
  stop(): Promise<void>;
}

const HERE = import.meta.dir;
const READY_MS = 10_000;

/** Raw Bun pub/sub: the ceiling for anything that runs on Bun. */
export function startBunPublish(port: number): Promise<PeerServer> {
  return startListening("bun-publish", [process.execPath, join(HERE, "bun-publish.ts"), String(port)]);
}

/** A small chat on Node.js and the ws package. */
export function startNodeWs(port: number): Promise<PeerServer> {
  return startListening("node-ws", ["node", join(HERE, "node-ws.mjs"), String(port)]);
}

/** Spawns a server that prints "listening <port>" once it accepts connections. */
async function startListening(name: string, cmd: string[]): Promise<PeerServer> {
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  const port = await readListening(proc, name);
  return peerProcess(name, proc, port);
}

async function readListening(proc: Subprocess<"ignore", "pipe", "inherit">, name: string): Promise<number> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const timer = setTimeout(() => proc.kill("SIGKILL"), READY_MS);
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${name} exited before listening (code ${await proc.exited}): ${JSON.stringify(text)}`);
      text += decoder.decode(value, { stream: true });
      const port = /listening (\d+)/.exec(text);
      if (port) {
        // Keep draining, so a chatty peer can never block on a full pipe.
        void drain(reader);
        return Number(port[1]);
      }
    }
  } finally {
    clearTimeout(timer);
  }
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>) {
  try {
    while (!(await reader.read()).done);
  } catch {}
}

/** A PeerServer for a running process; stop() also removes its scratch directory, if any. */
export function peerProcess(name: string, proc: Subprocess, port: number, dir?: string): PeerServer {
  return {
    name,
    pid: proc.pid,
    port,
    async stop() {
      await stopProcess(proc);
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs` (two seconds unless told). */
export async function stopProcess(proc: Subprocess, graceMs = 2000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
  if (!exited) {
    proc.kill("SIGKILL");
    await proc.exited;
  }
}
