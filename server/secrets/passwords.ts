import type { PasswordHasher } from "../core/accounts.ts";

/**
 * argon2id through Bun's built-in hasher, at the configured cost. A hash records its own cost, so
 * verifying never needs the setting and changing it affects only passwords set afterwards.
 */
export function argon2Passwords(cost: { memoryKiB: number; passes: number }): PasswordHasher {
  const options = { algorithm: "argon2id", memoryCost: cost.memoryKiB, timeCost: cost.passes } as const;
  return {
    hash: (password) => Bun.password.hash(password, options),
    verify: async (password, hash) => {
      try {
        return await Bun.password.verify(password, hash);
      } catch {
        return false;
      }
    },
  };
}
