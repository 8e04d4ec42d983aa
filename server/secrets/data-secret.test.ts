import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataDirSecret, secretsMatch } from "./data-secret.ts";

test("a data-dir secret is created once, owner-only, and read back after", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "secret-")), "nested");
  const first = dataDirSecret(dir, "s.secret", "hex");
  expect(first).toMatch(/^[0-9a-f]{64}$/);
  expect(statSync(join(dir, "s.secret")).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(dir, "s.secret"), "utf8").trim()).toBe(first);
  expect(dataDirSecret(dir, "s.secret", "hex")).toBe(first);
});

test("secretsMatch needs the same bytes and length", () => {
  expect(secretsMatch("abc", "abc")).toBe(true);
  expect(secretsMatch("abc", "abd")).toBe(false);
  expect(secretsMatch("abc", "abcd")).toBe(false);
  expect(secretsMatch("", "a")).toBe(false);
});
