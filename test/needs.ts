// What some tests need from the machine, and the one guard they skip on. A test whose needs are
// not installed is reported as skipped, never run as an empty pass. Tests never install anything:
// .ci/run does, and `npm run bench` installs its own peers.
import { existsSync } from "node:fs";
import { INSPIRCD, NGIRCD } from "../bench/peers/ircd.ts";
import { postgresMissing } from "./pg-server.ts";

export const CHROMIUM = "/usr/bin/chromium";

const binary = (path: string, pkg: string) => () => (existsSync(path) ? null : `${path} is missing (apt-get install ${pkg})`);

const CHECKS = {
  // Under REQUIRE_POSTGRES=1 (CI) a missing PostgreSQL is no reason to skip: the test runs and fails.
  postgres: () => (process.env.REQUIRE_POSTGRES === "1" ? null : postgresMissing()),
  chromium: binary(CHROMIUM, "chromium"),
  ngircd: binary(NGIRCD, "ngircd"),
  inspircd: binary(INSPIRCD, "inspircd"),
  strace: () => (Bun.which("strace") ? null : "strace is missing (apt-get install strace)"),
  openssl: binary("/usr/bin/openssl", "openssl"),
  tmux: binary("/usr/bin/tmux", "tmux"),
  telnet: binary("/usr/bin/telnet", "inetutils-telnet"),
  nc: binary("/usr/bin/nc", "netcat-openbsd"),
  pebble: binary("/usr/bin/pebble", "pebble"),
} satisfies Record<string, () => string | null>;

export type Need = keyof typeof CHECKS;

const warned = new Set<Need>();

/**
 * For `test.skipIf(lacks(...))` and `describe.skipIf(lacks(...))`: true when any of `needs` is not
 * installed, after saying on stderr (once per need) why its tests are skipped.
 */
export function lacks(...needs: Need[]): boolean {
  let missing = false;
  for (const need of needs) {
    const why = CHECKS[need]();
    if (!why) continue;
    missing = true;
    if (!warned.has(need)) console.warn(`skipping the tests that need ${need}: ${why}`);
    warned.add(need);
  }
  return missing;
}
