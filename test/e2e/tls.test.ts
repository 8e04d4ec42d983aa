import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lacks } from "../needs.ts";
import { seedDataDir } from "../template.ts";
import { LineClient } from "./client.ts";
import { CHEAP_HASH, removeDir, tempDir } from "./harness.ts";
import { spawnServer, type ServerProcess } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

/** A self-signed certificate whose common name tells a test which one it was served. */
function makeCert(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const r = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-days", "2", "-subj", `/CN=${name}`, "-keyout", key, "-out", cert], { stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { cert, key };
}

// One real `chat` process with TLS on beside the plain ports; the certificate files are replaced
// and SIGHUP reloads them, as a certbot deploy hook or `systemctl reload chat` would.
describe.skipIf(lacks("openssl"))("TLS", () => {
  const dir = tempDir("chat-tls-");
  let server: ServerProcess;
  const live = { cert: join(dir, "live.crt"), key: join(dir, "live.key") };
  const clients: { close(): void }[] = [];
  const keep = <T extends { close(): void }>(c: T) => (clients.push(c), c);

  beforeAll(async () => {
    const first = makeCert(dir, "first");
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    await seedDataDir(dir);
    writeFileSync(join(dir, "chat.json"), JSON.stringify({
      host: "127.0.0.1", tcpPort: 0, httpPort: 0, tlsPort: 0, httpsPort: 0, dataDir: ".", tls: live, passwordHash: CHEAP_HASH,
    }));
    server = await spawnServer(dir, []);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    server?.proc.kill("SIGTERM");
    await server?.proc.exited;
    removeDir(dir);
  });

  test("telnet over TLS and plain telnet share one chat", async () => {
    expect(server.started.telnetTls).toBe(`openssl s_client -quiet -connect 127.0.0.1:${server.started.tlsPort}`);
    const secure = keep(await LineClient.login(server.started.tlsPort, "tia", "password-tia", { tls: true }));
    expect(secure.certificate()).toBe("first");
    const plain = keep(await LineClient.login(server.tcpPort, "pepe", "password-pepe"));
    plain.send("hello over plain");
    await secure.waitFor(/<pepe> hello over plain$/);
    secure.send("hello over tls");
    await plain.waitFor(/<tia> hello over tls$/);
  });

  test("HTTPS answers with HSTS and wss:// chats with everyone", async () => {
    const res = await fetch(`https://127.0.0.1:${server.started.httpsPort}/healthz`, { tls: { rejectUnauthorized: false } } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000");
    // The plain port sends none: browsers ignore it there anyway.
    const plain = await fetch(`http://127.0.0.1:${server.httpPort}/healthz`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    const web = keep(await WsClient.login(server.started.httpsPort, "wanda", "password-wanda", { tls: true }));
    const tia = keep(await LineClient.login(server.started.tlsPort, "tia", "password-tia", { tls: true }));
    tia.send("to the web");
    await web.waitFor((f) => f.type === "message" && f.text === "to the web");
  });

  test("SIGHUP loads renewed certificates for new connections; open ones stay up", async () => {
    const before = keep(await LineClient.login(server.started.tlsPort, "olga", "password-olga", { tls: true }));
    const webBefore = keep(await WsClient.login(server.started.httpsPort, "wes", "password-wes", { tls: true }));
    expect(before.certificate()).toBe("first");

    const second = makeCert(dir, "second");
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    const reloads = server.output().split('"event":"reloaded"').length;
    server.proc.kill("SIGHUP");
    await server.waitForOutput(new RegExp(`(.*"event":"reloaded"[^]*){${reloads}}`));

    const after = keep(await LineClient.login(server.started.tlsPort, "nora", "password-nora", { tls: true }));
    expect(after.certificate()).toBe("second");
    const https = await fetch(`https://127.0.0.1:${server.started.httpsPort}/healthz`, { tls: { rejectUnauthorized: false }, keepalive: false } as RequestInit);
    expect(https.status).toBe(200);
    // Connections made before the reload still chat both ways, over both old listeners.
    after.send("new certificate here");
    await before.waitFor(/<nora> new certificate here$/);
    await webBefore.waitFor((f) => f.type === "message" && f.text === "new certificate here");
    before.send("old one still works");
    await after.waitFor(/<olga> old one still works$/);
    expect(server.output()).toContain("tls (new connections get the certificate now in the files)");
  });
});
