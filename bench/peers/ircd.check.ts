import { freePort } from "../lib/ports.ts";
import type { PeerServer } from "./peer.ts";
import { allowInstalling } from "../lib/apt.ts";
import { ensureInspircd, ensureNgircd, startInspircd, startNgircd } from "./ircd.ts";

// Proof that the IRC peers are not flood-limited: one client sends LINES PRIVMSGs as fast as the
// socket takes them, and every other client in #bench must receive them all. With stock settings
// ngIRCd lets 3 lines a second through and InspIRCd 1, so 5,000 lines would take 28 to 83 minutes.
// Usage: bun bench/peers/ircd.check.ts <ngircd|inspircd> [lines=5000] [clients=2]

export interface IrcTestClient {
  nick: string;
  /** PRIVMSG lines to #bench seen so far, and the last of them. */
  received: number;
  last: string | null;
  /** Why the server closed the connection, if it did. */
  closed: string | null;
  send(lines: string): void;
  close(): void;
}

/** Logs in the way the load generator does and resolves once #bench is joined (366). */
export function joinBench(port: number, nick: string, afterWelcome?: PeerServer["afterWelcome"]): Promise<IrcTestClient> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let pending = "";
    let joined = false;
    const client: IrcTestClient = { nick, received: 0, last: null, closed: null, send() {}, close() {} };
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(s) {
          // Bun's socket writes what the kernel takes and no more; keep the rest for drain().
          client.send = (lines) => {
            pending += lines;
            pending = pending.slice(Math.max(s.write(pending), 0));
          };
          client.close = () => s.end();
          client.send(`NICK ${nick}\r\nUSER ${nick} 0 * :bench\r\n`);
        },
        drain(s) {
          pending = pending.slice(Math.max(s.write(pending), 0));
        },
        data(s, chunk) {
          buffer += chunk.toString();
          let end: number;
          while ((end = buffer.indexOf("\r\n")) !== -1) {
            const line = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (line.startsWith("PING")) client.send(`PONG${line.slice(4)}\r\n`);
            else if (line.startsWith("ERROR")) client.closed = line;
            else if (/ 001 /.test(line)) client.send([...(afterWelcome?.(nick) ?? []), "JOIN #bench"].map((l) => `${l}\r\n`).join(""));
            else if (/ 366 /.test(line) && !joined) {
              joined = true;
              resolve(client);
            } else if (line.includes(" PRIVMSG #bench :")) {
              client.received++;
              client.last = line;
            }
          }
        },
        close() {
          client.closed ??= "closed";
          if (!joined) reject(new Error(`${nick} was closed before joining #bench: ${client.closed}`));
        },
      },
    }).catch(reject);
  });
}

/**
 * Joins `count` clients, `concurrency` at a time. ngIRCd listens with a backlog of 10, so more at
 * once on one address costs 1 s SYN retries; InspIRCd completes every login on its next 1-second
 * tick, so it wants large batches.
 */
export async function joinMany(port: number, count: number, afterWelcome?: PeerServer["afterWelcome"], concurrency = 10) {
  const clients: IrcTestClient[] = [];
  for (let i = 0; i < count; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - i) }, (_, j) => joinBench(port, `b${i + j}`, afterWelcome));
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

async function main() {
  const [name = "ngircd", lines = "5000", count = "2"] = process.argv.slice(2);
  const n = Number(lines);
  const port = freePort();
  // Run by hand, like `npm run bench`, so it may install the daemon it checks.
  allowInstalling();
  let peer: PeerServer;
  if (name === "ngircd") {
    ensureNgircd();
    peer = await startNgircd({ port, maxClients: Number(count) });
  } else if (name === "inspircd") {
    ensureInspircd();
    peer = await startInspircd({ port, maxClients: Number(count) });
  } else throw new Error(`Unknown IRC server: "${name}"`);
  try {
    const joinStart = performance.now();
    const [sender, ...receivers] = await joinMany(port, Number(count), peer.afterWelcome, name === "ngircd" ? 10 : 500);
    console.log(`${name}: ${Number(count)} clients in #bench after ${((performance.now() - joinStart) / 1000).toFixed(2)} s`);
    const start = performance.now();
    let text = "";
    for (let i = 0; i < n; i++) text += `PRIVMSG #bench :line ${i} of the flood check\r\n`;
    sender!.send(text);
    const deadline = start + 120_000;
    while (receivers.some((r) => r.received < n && !r.closed) && performance.now() < deadline) await Bun.sleep(5);
    const seconds = (performance.now() - start) / 1000;
    const got = receivers.reduce((sum, r) => sum + r.received, 0);
    const closed = [sender!, ...receivers].filter((c) => c.closed).map((c) => `${c.nick}: ${c.closed}`);
    console.log(`${name}: ${got} of ${n * receivers.length} lines delivered in ${seconds.toFixed(3)} s` +
      ` (${Math.round(got / seconds)} lines/s)${closed.length ? `; closed: ${closed.join(", ")}` : ""}`);
    for (const c of [sender!, ...receivers]) c.close();
  } finally {
    await peer.stop();
  }
}

if (import.meta.main) await main();
