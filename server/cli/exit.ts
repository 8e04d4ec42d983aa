/**
 * Ends the process once what it wrote to stdout and stderr has reached them. process.exit() drops
 * what Bun still holds for a pipe whose reader is behind (a server's last log lines under `| tee`,
 * say), while a process that ends by itself writes it first. Whatever still holds the process open
 * (a keep-alive socket) is cut after a second, as process.exit() would have cut it at once.
 */
export function exitWhenWritten(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}
