import { expect, test } from "bun:test";
import { configSchema } from "../config/schema.ts";
import { argon2Passwords } from "./passwords.ts";

test("a default config hashes new passwords with argon2id at 64 MiB and two passes", async () => {
  const hash = await argon2Passwords(configSchema.parse({}).passwordHash).hash("correct horse");
  expect(hash).toStartWith("$argon2id$v=19$m=65536,t=2,");
});

test("a hash keeps its own cost: one made at another setting still verifies, and a wrong password does not", async () => {
  const cheap = argon2Passwords({ memoryKiB: 8, passes: 1 });
  const hash = await cheap.hash("correct horse");
  expect(hash).toStartWith("$argon2id$v=19$m=8,t=1,");
  const strong = argon2Passwords(configSchema.parse({}).passwordHash);
  expect(await strong.verify("correct horse", hash)).toBe(true);
  expect(await strong.verify("wrong horse", hash)).toBe(false);
  expect(await strong.verify("correct horse", "not a hash")).toBe(false);
});
