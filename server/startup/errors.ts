// A reason the server cannot start that the operator can fix (a port in use, a folder it cannot
// write, a missing file): `chat` prints its message as one line, with no stack trace, and exits 2.
export class StartupError extends Error {}

/** The flag and config key that set each listener's port, so a conflict names what to change. */
export const PORT_SETTINGS = {
  tcpPort: "--port or tcpPort",
  httpPort: "--http-port or httpPort",
  tlsPort: "tlsPort",
  httpsPort: "httpsPort",
} as const;

/** Runs `listen`; a port in use, or an address that cannot be bound, becomes a StartupError in words. */
export function listening<T>(what: keyof typeof PORT_SETTINGS, host: string, port: number, listen: () => T): T {
  try {
    return listen();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new StartupError(`Port ${port} is already in use on ${host} (set by ${PORT_SETTINGS[what]}); stop what uses it or choose another port`);
    }
    if (code === "EACCES") throw new StartupError(`Not allowed to listen on port ${port} (${PORT_SETTINGS[what]}); ports below 1024 need privileges`);
    throw new StartupError(`Cannot listen on ${host}:${port} (${PORT_SETTINGS[what]}): ${(e as Error).message}`);
  }
}
