import type { PasswordHasher } from "../core/accounts.ts";

/** argon2id through Bun's built-in hasher. */
export const bunPasswords: PasswordHasher = {
  hash: (password) => Bun.password.hash(password, { algorithm: "argon2id" }),
  verify: async (password, hash) => {
    try {
      return await Bun.password.verify(password, hash);
    } catch {
      return false;
    }
  },
};
