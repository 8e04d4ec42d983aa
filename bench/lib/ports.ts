// One way to find a free port for tests and benchmarks alike.
export { freePort } from "../../test/e2e/server-process.ts";

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
