import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, seconds: number, host = "127.0.0.1") {
  const deadline = performance.now() + seconds * 1000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      Bun.connect({ hostname: host, port, socket: { open: (s) => (s.end(), resolve(true)), data() {}, error: () => resolve(false), connectError: () => resolve(false) } }).catch(() => resolve(false));
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${seconds} s`);
    await Bun.sleep(50);
  }
}
