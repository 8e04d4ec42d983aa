import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { StartupError } from "../startup/errors.ts";

/** A certificate chain and its key, as PEM text. */
export interface TlsPair {
  cert: string;
  key: string;
}

/** Reads the PEM files the config names; a missing or unreadable one is a StartupError naming it. */
export function readTlsPair(files: { cert?: string; key?: string }): TlsPair {
  const read = (what: "cert" | "key") => {
    const path = files[what]!;
    try {
      const text = readFileSync(path, "utf8");
      if (!text.includes("-----BEGIN")) throw new Error("not a PEM file");
      return text;
    } catch (e) {
      throw new StartupError(`Cannot read tls.${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  return { cert: read("cert"), key: read("key") };
}

/**
 * A self-signed certificate for localhost in <dataDir>/tls/, made once with openssl, for
 * `chat serve --self-signed`: a quick local try of TLS, which clients must be told to trust.
 */
export function selfSignedFiles(dataDir: string, host = "localhost"): { cert: string; key: string } {
  const dir = join(dataDir, "tls");
  const cert = join(dir, "self-signed.crt");
  const key = join(dir, "self-signed.key");
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let made;
  try {
    made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-days", "365", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host},IP:127.0.0.1,IP:::1`,
      "-keyout", key, "-out", cert], { stdout: "ignore", stderr: "pipe" });
  } catch {
    throw new StartupError("--self-signed needs openssl, which is not installed; give tls.cert and tls.key instead");
  }
  if (made.exitCode !== 0) throw new StartupError(`openssl could not make a certificate: ${made.stderr.toString().trim().split("\n")[0]}`);
  return { cert, key };
}
