// Automatic certificates (`tls.acme`): one for the configured domain, from an ACME CA (Let's
// Encrypt unless `directory` says otherwise), proved with http-01 challenges that the plain HTTP
// port answers, kept in <dataDir>/acme/, renewed when fewer than `renewBeforeDays` remain (checked
// every `checkHours`), and taken into use without a restart through the TLS listeners' reload.
// A failed order is tried again after `retryMinutes`, doubling up to `checkHours`: a first start
// whose domain is not reachable yet serves TLS minutes after it is, not a day later.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { Log } from "../core/log.ts";
import type { TlsPair } from "./files.ts";

export type AcmeSettings = NonNullable<NonNullable<Config["tls"]>["acme"]>;

const DAY_MS = 86_400_000;

/**
 * acme-client (with its crypto and HTTP dependencies) is loaded when a certificate is first
 * ordered, not at every start: importing it cost ~0.45 s of CPU in each `chat` process, for
 * the many servers and `chat admin` calls that never use ACME.
 */
const loadAcme = () => import("acme-client").then((m) => m.default);

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
  /** Calls `retry` once after `ms`; returns how to cancel. setTimeout unless a test drives the clock. */
  after?: (ms: number, retry: () => void) => () => void;
}

// Unref'd: a pending check never keeps a stopping process alive.
const realEvery = (ms: number, check: () => void) => {
  const timer = setInterval(check, ms);
  timer.unref();
  return () => clearInterval(timer);
};

const realAfter = (ms: number, retry: () => void) => {
  const timer = setTimeout(retry, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/** Obtains and renews the certificate of `tls.acme` while the server runs. */
export class AcmeCertificates {
  private settings: AcmeSettings;
  private stopTimer: (() => void) | undefined;
  private cancelRetry: (() => void) | undefined;
  /** Failed orders in a row: the next retry waits retryMinutes × 2^(failures − 1), at most checkHours. */
  private failures = 0;
  private running: Promise<boolean> | undefined;
  private stopped = false;

  constructor(private readonly deps: AcmeDeps) {
    this.settings = deps.settings;
  }

  /** Checks at once and then every `checkHours` (the server has served a stored certificate since its start). */
  start(): Promise<boolean> {
    this.checkRegularly();
    return this.check();
  }

  private checkRegularly() {
    this.stopTimer?.();
    this.stopTimer = (this.deps.every ?? realEvery)(this.settings.checkHours * 3600_000, () => void this.check());
  }

  stop() {
    this.stopped = true;
    this.stopTimer?.();
    this.cancelRetry?.();
  }

  /**
   * A reload (SIGHUP, `chat admin reload`): a changed acme block, or no certificate yet, is checked
   * at once, whatever retry was pending. True when it checks; the check itself goes on in the background.
   */
  reload(settings: AcmeSettings): boolean {
    const changed = JSON.stringify(settings) !== JSON.stringify(this.settings);
    if (!changed && storedPair(this.deps.dataDir, settings.domain)) return false;
    const regularly = settings.checkHours !== this.settings.checkHours && this.stopTimer;
    this.settings = settings;
    if (regularly) this.checkRegularly();
    this.clearFailures();
    // After a check under way (with the old settings, perhaps), not beside it.
    void (this.running ?? Promise.resolve()).then(() => this.check());
    return true;
  }

  /** Obtains a certificate when there is none or it is due; true when a new one was taken into use. One at a time. */
  check(): Promise<boolean> {
    this.running ??= this.renewIfDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async renewIfDue(): Promise<boolean> {
    const { dataDir, log } = this.deps;
    const settings = this.settings;
    const now = (this.deps.now ?? Date.now)();
    // Everything inside: nobody awaits a timer's check, so nothing may escape it (an unreadable file neither).
    try {
      const stored = storedPair(dataDir, settings.domain);
      const left = stored ? daysLeft(stored.cert, now) : -Infinity;
      if (left >= settings.renewBeforeDays) return this.succeeded(false);
      log.info(stored ? "acme renewing certificate" : "acme obtaining certificate", { domain: settings.domain, directory: settings.directory, ...(stored && { daysLeft: Math.floor(left) }) });
      const pair = await this.obtain(settings);
      if (this.stopped) return false;
      const files = acmeFiles(dataDir, settings.domain);
      writeAtomically(files.key, pair.key, 0o600);
      writeAtomically(files.cert, pair.cert, 0o644);
      this.deps.install(pair);
      log.info("acme certificate installed", { domain: settings.domain, daysLeft: Math.floor(daysLeft(pair.cert, now)) });
      return this.succeeded(true);
    } catch (e) {
      if (!this.stopped) this.retryLater(settings, (e as Error).message);
      return false;
    }
  }

  private succeeded(installed: boolean): boolean {
    this.clearFailures();
    return installed;
  }

  private clearFailures() {
    this.failures = 0;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  // The certificate in use (if any) goes on serving meanwhile; the regular check runs beside the retry.
  private retryLater(settings: AcmeSettings, error: string) {
    this.failures++;
    const ms = Math.min(settings.retryMinutes * 60_000 * 2 ** (this.failures - 1), settings.checkHours * 3600_000);
    this.cancelRetry?.();
    this.cancelRetry = (this.deps.after ?? realAfter)(ms, () => {
      this.cancelRetry = undefined;
      void this.check();
    });
    this.deps.log.error("acme certificate not obtained", {
      domain: settings.domain, error, failures: this.failures, retryInSeconds: Math.round(ms / 1000), nextTry: new Date((this.deps.now ?? Date.now)() + ms).toISOString(),
    });
  }

  private async obtain(settings: AcmeSettings): Promise<TlsPair> {
    const { challenges } = this.deps;
    const acme = await loadAcme();
    const client = new acme.Client({ directoryUrl: settings.directory, accountKey: await this.accountKey(settings) });
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
  private async accountKey(settings: AcmeSettings): Promise<string> {
    const files = acmeFiles(this.deps.dataDir, settings.domain);
    if (existsSync(files.account)) return readFileSync(files.account, "utf8");
    mkdirSync(files.dir, { recursive: true, mode: 0o700 });
    const key = (await (await loadAcme()).crypto.createPrivateKey()).toString();
    writeAtomically(files.account, key, 0o600);
    return key;
  }
}
