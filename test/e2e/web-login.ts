import type { Page } from "playwright-core";

/**
 * Signs in on the web page as a person would: a nick that has no account is refused until they
 * choose to create it and type the password again. Resolves once the chat shows them online.
 */
export async function signIn(page: Page, nick: string, password: string, wait: { timeout: number }) {
  await page.getByTestId("login-nick").fill(nick);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  const created = page.getByTestId("login-error").filter({ hasText: /no account/i }).waitFor(wait).then(() => true, () => false);
  const entered = page.getByTestId("chat-screen").waitFor(wait).then(() => false, () => false);
  if (await Promise.race([created, entered])) {
    await page.getByTestId("login-create").check();
    await page.getByTestId("login-repeat").fill(password);
    await page.getByTestId("login-submit").click();
  }
  await page.getByTestId("chat-screen").waitFor(wait);
  await page.getByTestId("user-" + nick).waitFor({ state: "attached", ...wait });
}
