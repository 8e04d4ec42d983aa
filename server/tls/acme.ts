// Automatic certificates (`tls.acme`): one for the configured domain, from an ACME CA (Let's
// Encrypt unless `directory` says otherwise), proved with http-01 challenges that the plain HTTP
// port answers, kept in <dataDir>/acme/, renewed when fewer than `renewBeforeDays` remain (checked
// every `checkHours`), and taken into use without a restart through the TLS listeners' reload.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Log } from "../core/log.ts";
import type { TlsPair } from "./files.ts";

export type AcmeSettings = NonNullable<NonNullable<Config["tls"]>["acme"]>;

const DAY_MS = 86_400_000;

// acme-client and the crypto libraries under it are evaluated only when a certificate is obtained:
// a server without tls.acme, or one whose certificate is not due, never pays their memory.
const acmeClient = async () => (await import("acme-client")).default;

/** Key authorizations of the challenges under way, by token: what /.well-known/acme-challenge/ answers. */
export class AcmeChallenges {
  private readonly byToken = new Map<string, string>();

  set(token: string, keyAuthorization: string) {
    this.byToken.set(token, keyAuthorization);
  }

  delete(token: string) {
    this.byToken.delete(token);
  }

  answer(token: string): string | undefined {
    return this.byToken.get(token);
  }
}

/** Where the certificate, its key and the ACME account's key are kept. */
export function acmeFiles(dataDir: string, domain: string) {
  const dir = join(dataDir, "acme");
  return { dir, cert: join(dir, `${domain}.crt`), key: join(dir, `${domain}.key`), account: join(dir, "account.key") };
}

/** The certificate obtained before for `domain`, if there is one. */
export function storedPair(dataDir: string, domain: string): TlsPair | undefined {
  const files = acmeFiles(dataDir, domain);
  if (!existsSync(files.cert) || !existsSync(files.key)) return undefined;
  return { cert: readFileSync(files.cert, "utf8"), key: readFileSync(files.key, "utf8") };
}

/** Days until the certificate (the first in the chain) expires; negative once it has. */
export function daysLeft(certPem: string, now: number): number {
  return (Date.parse(new X509Certificate(certPem).validTo) - now) / DAY_MS;
}

// Written beside their place and renamed, so a crash mid-write never leaves half a key; keys 0600.
function writeAtomically(path: string, text: string, mode: number) {
  writeFileSync(`${path}.new`, text, { mode });
  renameSync(`${path}.new`, path);
}

export interface AcmeDeps {
  settings: AcmeSettings;
  dataDir: string;
  log: Log;
  challenges: AcmeChallenges;
  /** Takes a certificate into use: starts the TLS listeners the first time, reloads them after. */
  install(pair: TlsPair): void;
  now?: () => number;
  /** Calls `check` every `ms`; returns how to stop. setInterval unless a test drives the clock. */
  every?: (ms: number, check: () => void) => () => void;
}

const realEvery = (ms: number, check: () => void) => {
  const timer = setInterval(check, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** Obtains and renews the certificate of `tls.acme` while the server runs. */
export class AcmeCertificates {
  private stopTimer: (() => void) | undefined;
  private running: Promise<boolean> | undefined;
  private stopped = false;

  constructor(private readonly deps: AcmeDeps) {}

  /** Checks at once and then every `checkHours` (the server has served a stored certificate since its start). */
  start(): Promise<boolean> {
    this.stopTimer = (this.deps.every ?? realEvery)(this.deps.settings.checkHours * 3600_000, () => void this.check());
    return this.check();
  }

  stop() {
    this.stopped = true;
    this.stopTimer?.();
  }

  /** Obtains a certificate when there is none or it is due; true when a new one was taken into use. One at a time. */
  check(): Promise<boolean> {
    this.running ??= this.renewIfDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async renewIfDue(): Promise<boolean> {
    const { settings, dataDir, log } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    // Everything inside: nobody awaits a timer's check, so nothing may escape it (an unreadable file neither).
    try {
      const stored = storedPair(dataDir, settings.domain);
      const left = stored ? daysLeft(stored.cert, now) : -Infinity;
      if (left >= settings.renewBeforeDays) return false;
      log.info(stored ? "acme renewing certificate" : "acme obtaining certificate", { domain: settings.domain, directory: settings.directory, ...(stored && { daysLeft: Math.floor(left) }) });
      const pair = await this.obtain();
      if (this.stopped) return false;
      const files = acmeFiles(dataDir, settings.domain);
      writeAtomically(files.key, pair.key, 0o600);
      writeAtomically(files.cert, pair.cert, 0o644);
      this.deps.install(pair);
      log.info("acme certificate installed", { domain: settings.domain, daysLeft: Math.floor(daysLeft(pair.cert, now)) });
      return true;
    } catch (e) {
      // Tried again at the next check; the certificate in use (if any) goes on serving meanwhile.
      log.error("acme certificate not obtained", { domain: settings.domain, error: (e as Error).message });
      return false;
    }
  }

  private async obtain(): Promise<TlsPair> {
    const { settings, challenges } = this.deps;
    const acme = await acmeClient();
    const client = new acme.Client({ directoryUrl: settings.directory, accountKey: await this.accountKey() });
    const [key, csr] = await acme.crypto.createCsr({ commonName: settings.domain, altNames: [settings.domain] });
    const cert = await client.auto({
      csr,
      email: settings.email,
      termsOfServiceAgreed: true,
      challengePriority: ["http-01"],
      // acme-client's own check fetches port 80 of the domain, which may be forwarded to httpPort
      // or not reachable from here at all: the CA's validation is the one that counts.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => challenges.set(challenge.token, keyAuthorization),
      challengeRemoveFn: async (_authz, challenge) => challenges.delete(challenge.token),
    });
    return { cert, key: key.toString() };
  }

  /** The ACME account's key, made once and kept, so renewals use the same account. */
  private async accountKey(): Promise<string> {
    const files = acmeFiles(this.deps.dataDir, this.deps.settings.domain);
    if (existsSync(files.account)) return readFileSync(files.account, "utf8");
    mkdirSync(files.dir, { recursive: true, mode: 0o700 });
    const key = (await (await acmeClient()).crypto.createPrivateKey()).toString();
    writeAtomically(files.account, key, 0o600);
    return key;
  }
}
