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
import { createLogger } from "../../server/log/logger.ts";
import { removeDir, tempDir } from "./harness.ts";
import { freePort, spawnServer } from "./server-process.ts";

// tls.acme against a real ACME CA: Pebble, Let's Encrypt's test server, which validates http-01
// challenges by fetching them from `httpPort` (chat's HTTP port here). Its own directory is HTTPS
// with a certificate made here, which chat trusts through NODE_EXTRA_CA_CERTS.

interface Pebble {
  directory: string;
  /** Pebble's own certificate, for NODE_EXTRA_CA_CERTS. */
  ca: string;
  stop(): Promise<void>;
}

async function startPebble(dir: string, httpPort: number): Promise<Pebble> {
  const own = selfSignedFiles(dir);
  const port = freePort();
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
      settings: { domain: "localhost", email: "ops@example.org", directory: pebble.directory, staging: false, renewBeforeDays: 30, checkHours: 24 },
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
});
