import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensurePackage } from "../lib/apt.ts";
import { peerProcess, stopProcess, type PeerServer } from "./peer.ts";

// ngIRCd and InspIRCd as Debian ships them, configured so that only their own code limits them:
// no DNS or ident lookups, no per-IP, per-class or per-user caps, and no flood penalties. With
// their stock settings a client that sends lines quickly gets one to three lines a second through.

export const NGIRCD = "/usr/sbin/ngircd";
export const INSPIRCD = "/usr/sbin/inspircd";
/** The generator spreads connections over these (each gives another ~28k source ports). */
const LISTEN = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"];
const READY_MS = 15_000;

export interface IrcdOptions {
  port: number;
  /** Clients the run will open; the daemon gets file descriptors for them. */
  maxClients: number;
}

export function ensureNgircd(): void {
  ensurePackage("ngircd", NGIRCD);
}

export function ensureInspircd(): void {
  ensurePackage("inspircd", INSPIRCD);
}

export async function startNgircd(o: IrcdOptions): Promise<PeerServer> {
  const dir = scratch("ngircd", NGIRCD);
  mkdirSync(join(dir, "conf.d"));
  writeFileSync(join(dir, "ngircd.conf"), ngircdConf(o.port, dir));
  return startDaemon("ngircd", dir, [NGIRCD, "-n", "-f", join(dir, "ngircd.conf")], o, {
    ready: /\) ready\./,
    failed: /Can't bind|isn't listening|Unknown variable/,
  });
}

export async function startInspircd(o: IrcdOptions): Promise<PeerServer> {
  const dir = scratch("inspircd", INSPIRCD);
  writeFileSync(join(dir, "motd"), "bench\n");
  writeFileSync(join(dir, "inspircd.conf"), inspircdConf(o.port, dir));
  const argv = [INSPIRCD, "--nofork", "--nopid", "--runasroot", `--config=${join(dir, "inspircd.conf")}`];
  return startDaemon("inspircd", dir, argv, o, {
    ready: /InspIRCd is now running/,
    failed: /failed to bind|couldn't bind|errors in your configuration/i,
  });
}

/**
 * ngIRCd 26. MaxPenaltyTime = 0 makes every command penalty zero seconds, and user mode F, given
 * to everyone at login, means a client is never throttled for lines piling up in its read buffer
 * and gets 10 lines handled per pass of the main loop instead of 3. What remains is built in: a
 * client more than 32 KB behind on its writes is disconnected, and each address listens with a
 * backlog of 10, so opening more than about 10 connections at once per address costs 1 s retries.
 */
function ngircdConf(port: number, dir: string): string {
  return `[Global]
	Name = bench.ngircd.local
	Info = benchmark peer
	AdminInfo1 = benchmark peer
	AdminInfo2 = loopback only
	AdminEMail = bench@localhost
	Listen = ${LISTEN.join(",")}
	Ports = ${port}
	MotdPhrase = bench
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
	MaxListSize = 100000
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
	DefaultUserModes = F
	IncludeDir = ${join(dir, "conf.d")}
`;
}

/**
 * InspIRCd 3. A client may build up `threshold` x 1000 penalty points (a line costs about 1000)
 * and sheds `commandrate` of them a second; both are set so high that no client gets near the
 * limit, and fakelag is off so that one reaching it would be visibly disconnected, not quietly
 * slowed. netbuffersize is the most one read takes (65534 is its maximum; a larger value silently
 * falls back to 10240, which holds a fast sender to about 200 lines a second). Built in and left:
 * a login completes only on the daemon's once-a-second pass, so a lone client waits up to 1 s.
 */
function inspircdConf(port: number, dir: string): string {
  const binds = LISTEN.map((a) => `<bind address="${a}" port="${port}" type="clients">`).join("\n");
  return `<server name="bench.inspircd.local" description="benchmark peer" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<path configdir="${dir}" datadir="${dir}" logdir="${dir}">
${binds}
<connect name="bench" allow="*" maxchans="100" timeout="600" pingfreq="600"
  threshold="2000000" commandrate="2000000000" fakelag="no"
  hardsendq="64M" softsendq="16M" recvq="16M"
  localmax="1000000" globalmax="1000000" limit="1000000" maxconnwarn="no"
  resolvehostnames="no" useident="no">
<performance netbuffersize="65534" somaxconn="4096" clonesonconnect="no">
<channels users="100" opers="100">
<files motd="${join(dir, "motd")}">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(dir, "ircd.log")}">
`;
}

function scratch(name: string, binary: string): string {
  if (!existsSync(binary)) throw new Error(`${binary} is missing: call ensure${name === "ngircd" ? "Ngircd" : "Inspircd"}() first`);
  return mkdtempSync(join(tmpdir(), `bench-${name}-`));
}

async function startDaemon(
  name: string,
  dir: string,
  argv: string[],
  o: IrcdOptions,
  says: { ready: RegExp; failed: RegExp },
): Promise<PeerServer> {
  const logPath = join(dir, "console.log");
  const log = openSync(logPath, "w");
  // Raise the descriptor limit for the clients (and never lower it); exec keeps the pid the daemon's.
  const fds = o.maxClients + 256;
  const raise = `[ "$(ulimit -n)" -ge ${fds} ] || ulimit -n ${fds}; exec "$@"`;
  const proc = Bun.spawn(["sh", "-c", raise, "sh", ...argv], { stdin: "ignore", stdout: log, stderr: log });
  closeSync(log);
  const deadline = Date.now() + READY_MS;
  while (true) {
    const text = readFileSync(logPath, "utf8");
    if (says.ready.test(text) && !says.failed.test(text)) return peerProcess(name, proc, o.port, dir);
    if (says.failed.test(text) || proc.exitCode !== null || Date.now() > deadline) {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${name} did not start on port ${o.port}: ${text.trim().split("\n").slice(-8).join(" | ")}`);
    }
    await Bun.sleep(50);
  }
}
