import { createHash, createHmac } from "node:crypto";
import { dataDirSecret, secretsMatch } from "./data-secret.ts";

type TokenUser = { id: number; nick: string; passwordHash: string };
export interface Claims { id: number; nick: string; pw: string; exp: number }

/**
 * Resume tokens let a web client that lost its connection come back without its password.
 * A token names the account and an expiry, signed with a secret kept in the data folder so
 * tokens outlive a restart.
 */
export class ResumeTokens {
  constructor(private readonly secret: Buffer, private readonly ttlMs: number) {}

  static inDataDir(dataDir: string, ttlHours: number): ResumeTokens {
    return new ResumeTokens(Buffer.from(dataDirSecret(dataDir, "resume.secret", "hex"), "hex"), ttlHours * 3600_000);
  }

  issue(user: TokenUser, now = Date.now()): string {
    const claims: Claims = { id: user.id, nick: user.nick, pw: this.fingerprint(user.passwordHash), exp: now + this.ttlMs };
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  /** A token stops working when its account's password changes, so a changed password logs out every device. */
  stillValid(claims: Claims, user: TokenUser): boolean {
    return user.id === claims.id && this.fingerprint(user.passwordHash) === claims.pw;
  }

  /** A SHA-256 of the whole token: a revoked token is known again by it, and cannot be rebuilt from it. */
  digest(token: string): string {
    return createHash("sha256").update(token).digest("base64url");
  }

  expiresAt(claims: Claims): Date {
    return new Date(claims.exp);
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string, now = Date.now()): Claims | null {
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m) return null;
    if (!secretsMatch(m[2]!, this.sign(m[1]!))) return null;
    let claims: Partial<Claims>;
    try {
      claims = JSON.parse(Buffer.from(m[1]!, "base64url").toString("utf8"));
    } catch {
      return null;
    }
    const { id, nick, pw, exp } = claims ?? {};
    if (typeof id !== "number" || typeof nick !== "string" || typeof pw !== "string" || typeof exp !== "number") return null;
    if (exp < now) return null;
    return { id, nick, pw, exp };
  }

  private fingerprint(passwordHash: string) {
    // Labelled, so a fingerprint can never double as a signature.
    return createHmac("sha256", this.secret).update(`password:${passwordHash}`).digest("base64url").slice(0, 16);
  }

  private sign(body: string) {
    return createHmac("sha256", this.secret).update(body).digest("base64url");
  }
}
