import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import { Agent } from "node:https";
import type { Subprocess } from "bun";
import acme from "acme-client";
import { Signal } from "./signal.ts";
import { lacks } from "../needs.ts";
import { seedDataDir } from "../template.ts";
import { acmeFiles, AcmeCertificates, AcmeChallenges, daysLeft } from "../../server/tls/acme.ts";
import type { TlsPair } from "../../server/tls/files.ts";
import { selfSignedFiles } from "../../server/tls/files.ts";
import { createLogger, type LogRecord } from "../../server/log/logger.ts";
import { removeDir, tempDir } from "./harness.ts";
import { admin, freePort, spawnServer } from "./server-process.ts";

// tls.acme against a real ACME CA: Pebble, Let's Encrypt's test server, which validates http-01
// challenges by fetching them from `httpPort` (chat's HTTP port here). Its own directory is HTTPS
// with a certificate made here, which chat trusts through NODE_EXTRA_CA_CERTS.

interface Pebble {
  directory: string;
  /** Pebble's own certificate, for NODE_EXTRA_CA_CERTS. */
  ca: string;
  stop(): Promise<void>;
}

/** Pebble on `port`, which a test may have named in a config before the CA was up. */
async function startPebble(dir: string, httpPort: number, port = freePort()): Promise<Pebble> {
  const own = selfSignedFiles(dir);
  writeFileSync(join(dir, "pebble.json"), JSON.stringify({
    pebble: {
      listenAddress: `127.0.0.1:${port}`, managementListenAddress: `127.0.0.1:${freePort()}`,
      certificate: own.cert, privateKey: own.key, httpPort, tlsPort: freePort(), ocspResponderURL: "",
      externalAccountBindingRequired: false,
    },
  }));
  // No random sleeps before validating, no nonces refused at random: the test waits on signals, not luck.
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn(["pebble", "-config", join(dir, "pebble.json")], {
    stdin: "ignore", stdout: "pipe", stderr: "pipe", env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" },
  });
  let out = "";
  const ready = new Signal();
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      const reader = stream.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        out += new TextDecoder().decode(value);
        ready.wake();
      }
    })();
  }
  await ready.until(() => out.includes("Listening on") || undefined, Date.now() + 30_000, () => `pebble did not start:\n${out}`);
  return {
    directory: `https://127.0.0.1:${port}/dir`,
    ca: own.cert,
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
    },
  };
}

/** The issuer's common name of the certificate a TLS port serves. */
function servedIssuer(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false }, () => {
      const issuer = socket.getPeerCertificate().issuer?.CN;
      socket.destroy();
      resolve(String(issuer));
    });
    socket.on("error", reject);
  });
}

describe.skipIf(lacks("pebble", "openssl"))("automatic certificates (tls.acme) from a real ACME CA", () => {
  const dir = tempDir("chat-acme-");
  afterAll(() => removeDir(dir));

  test("chat answers the http-01 challenge on its HTTP port, serves the certificate over TLS, keeps it and uses it at the next start", async () => {
    const httpPort = freePort();
    const pebble = await startPebble(dir, httpPort);
    const data = join(dir, "server");
    await seedDataDir(data);
    const httpsPort = freePort();
    writeFileSync(join(data, "chat.json"), JSON.stringify({
      host: "127.0.0.1", tcpPort: 0, httpPort, tlsPort: 0, httpsPort, dataDir: ".",
      tls: { acme: { domain: "localhost", email: "ops@example.org", directory: pebble.directory } },
    }));
    const env = { NODE_EXTRA_CA_CERTS: pebble.ca };
    try {
      const server = await spawnServer(data, [], env);
      try {
        // No certificate yet: TLS starts once the CA has checked the challenge and issued one.
        expect(server.started.httpsPort).toBeUndefined();
        await server.waitForOutput(/"event":"tls started"/, 60_000);
        expect(await servedIssuer(httpsPort)).toContain("Pebble");
      } finally {
        server.proc.kill("SIGTERM");
        await server.proc.exited;
      }
      const files = acmeFiles(data, "localhost");
      expect(existsSync(files.cert) && existsSync(files.key) && existsSync(files.account)).toBe(true);
      // The next start serves the kept certificate at once, and asks the CA for nothing.
      const again = await spawnServer(data, [], env);
      try {
        expect(again.started.httpsPort).toBe(httpsPort);
        expect(await servedIssuer(httpsPort)).toContain("Pebble");
        expect(again.output()).not.toContain("acme obtaining");
      } finally {
        again.proc.kill("SIGTERM");
        await again.proc.exited;
      }
    } finally {
      await pebble.stop();
    }
  }, 120_000);

  test("a certificate with fewer than renewBeforeDays left is renewed at the next daily check and installed", async () => {
    // In this process NODE_EXTRA_CA_CERTS comes too late (it is read at start), so acme-client's
    // HTTP client is told to accept Pebble's directory certificate; the server test above trusts it properly.
    acme.axios.defaults.httpsAgent = new Agent({ rejectUnauthorized: false });
    const httpPort = freePort();
    const pebble = await startPebble(join(dir, "renew-ca"), httpPort);
    const challenges = new AcmeChallenges();
    const answering = Bun.serve({
      hostname: "127.0.0.1", port: httpPort,
      fetch: (req) => new Response(challenges.answer(new URL(req.url).pathname.split("/").pop()!) ?? "none", { status: 200 }),
    });
    const installed: TlsPair[] = [];
    let tick: (() => void) | undefined;
    let now = Date.now();
    const changed = new Signal();
    const certificates = new AcmeCertificates({
      settings: { domain: "localhost", email: "ops@example.org", directory: pebble.directory, staging: false, renewBeforeDays: 30, checkHours: 24, retryMinutes: 1 },
      dataDir: join(dir, "renew"), log: createLogger([]), challenges,
      install: (pair) => {
        installed.push(pair);
        changed.wake();
      },
      now: () => now,
      every: (ms, check) => {
        expect(ms).toBe(24 * 3600_000);
        tick = check;
        return () => {};
      },
    });
    try {
      expect(await certificates.start()).toBe(true);
      expect(installed).toHaveLength(1);
      // A day later nothing is due.
      now += 86_400_000;
      expect(await certificates.check()).toBe(false);
      // 29 days before it expires, the daily check renews it and installs the new one.
      now = Date.now() + (daysLeft(installed[0]!.cert, Date.now()) - 29) * 86_400_000;
      tick!();
      await changed.until(() => installed.length === 2 || undefined, Date.now() + 60_000, () => "not renewed");
      expect(installed[1]!.cert).not.toBe(installed[0]!.cert);
      expect(readFileSync(acmeFiles(join(dir, "renew"), "localhost").cert, "utf8")).toBe(installed[1]!.cert);
    } finally {
      certificates.stop();
      answering.stop(true);
      await pebble.stop();
    }
  }, 120_000);

  test("a failed validation is retried after 1 minute, then 2, up to checkHours, and the retry the CA validates installs the certificate", async () => {
    acme.axios.defaults.httpsAgent = new Agent({ rejectUnauthorized: false });
    const httpPort = freePort();
    const pebble = await startPebble(join(dir, "retry-ca"), httpPort);
    // The domain is not reachable yet: the CA finds no answer to its challenge.
    let reachable = false;
    const challenges = new AcmeChallenges();
    const answering = Bun.serve({
      hostname: "127.0.0.1", port: httpPort,
      fetch: (req) => {
        const answer = reachable && challenges.answer(new URL(req.url).pathname.split("/").pop()!);
        return answer ? new Response(answer) : new Response("not here", { status: 404 });
      },
    });
    const logged: LogRecord[] = [];
    const retries: { ms: number; retry: () => void }[] = [];
    const installed: TlsPair[] = [];
    const changed = new Signal();
    const certificates = new AcmeCertificates({
      // checkHours of 3 minutes: the doubling stops there.
      settings: { domain: "localhost", email: "ops@example.org", directory: pebble.directory, staging: false, renewBeforeDays: 30, checkHours: 0.05, retryMinutes: 1 },
      dataDir: join(dir, "retry"), log: createLogger([{ pretty: false, write: (line) => logged.push(JSON.parse(line)) }]), challenges,
      install: (pair) => {
        installed.push(pair);
        changed.wake();
      },
      every: () => () => {},
      after: (ms, retry) => {
        retries.push({ ms, retry });
        changed.wake();
        return () => {};
      },
    });
    const retryAt = async (n: number) => {
      await changed.until(() => retries.length >= n || undefined, Date.now() + 30_000, () => `no retry ${n} scheduled`);
      return retries[n - 1]!;
    };
    try {
      expect(await certificates.start()).toBe(false);
      expect((await retryAt(1)).ms).toBe(60_000);
      const failure = logged.find((r) => r.event === "acme certificate not obtained")!;
      expect(failure).toMatchObject({ level: "error", domain: "localhost", failures: 1, retryInSeconds: 60 });
      expect(String(failure.error)).not.toBe("");
      expect(Date.parse(String(failure.nextTry)) - Date.parse(failure.time)).toBeGreaterThanOrEqual(59_000);
      // Still not reachable: twice the wait, then checkHours at most.
      retries[0]!.retry();
      expect((await retryAt(2)).ms).toBe(120_000);
      retries[1]!.retry();
      expect((await retryAt(3)).ms).toBe(180_000);
      expect(installed).toHaveLength(0);
      // Reachable now: the next retry obtains the certificate and schedules no other.
      reachable = true;
      retries[2]!.retry();
      await changed.until(() => installed.length === 1 || undefined, Date.now() + 60_000, () => "not obtained at the retry");
      expect(retries).toHaveLength(3);
      expect(logged.map((r) => r.event)).toContain("acme certificate installed");
    } finally {
      certificates.stop();
      answering.stop(true);
      await pebble.stop();
    }
  }, 120_000);

  test("chat admin reload makes a server without a certificate ask the CA at once, not at the next retry", async () => {
    const httpPort = freePort();
    // Pebble's own certificate, made now so the server trusts it from its start (Pebble reuses it).
    // Until Pebble starts, the CA's address refuses every request (403, which acme-client does not retry).
    const ca = selfSignedFiles(join(dir, "reload-ca"));
    let refusing: ReturnType<typeof Bun.serve> | undefined = Bun.serve({
      hostname: "127.0.0.1", port: 0, tls: { cert: Bun.file(ca.cert), key: Bun.file(ca.key) },
      fetch: () => Response.json({ type: "urn:ietf:params:acme:error:unauthorized", detail: "not open yet" }, { status: 403 }),
    });
    const caPort = refusing.port!;
    const data = join(dir, "reload-server");
    await seedDataDir(data);
    const httpsPort = freePort();
    // A retry 10 minutes away: only the reload can bring the certificate within this test.
    writeFileSync(join(data, "chat.json"), JSON.stringify({
      host: "127.0.0.1", tcpPort: 0, httpPort, tlsPort: 0, httpsPort, dataDir: ".",
      tls: { acme: { domain: "localhost", email: "ops@example.org", directory: `https://127.0.0.1:${caPort}/dir`, retryMinutes: 10 } },
    }));
    const server = await spawnServer(data, [], { NODE_EXTRA_CA_CERTS: ca.cert });
    let pebble: Pebble | undefined;
    try {
      const failed = JSON.parse(await server.waitForOutput(/\{[^\n]*"event":"acme certificate not obtained"[^\n]*\}/, 30_000));
      expect(failed).toMatchObject({ level: "error", retryInSeconds: 600 });
      refusing.stop(true);
      refusing = undefined;
      pebble = await startPebble(join(dir, "reload-ca"), httpPort, caPort);
      const reloaded = await admin(data, ["reload", "--json"]);
      expect(reloaded.code).toBe(0);
      expect(reloaded.stdout).toContain("tls.acme");
      await server.waitForOutput(/"event":"tls started"/, 60_000);
      expect(await servedIssuer(httpsPort)).toContain("Pebble");
    } finally {
      server.proc.kill("SIGTERM");
      await server.proc.exited;
      refusing?.stop(true);
      await pebble?.stop();
    }
  }, 120_000);
});
