// Takes the web client's screenshots for docs/screenshots/: login, a room on a desktop (with
// another room's unread and mention badges), a private conversation, a mention and data drawn
// in a room, and a phone. Starts its own chat server (embedded store) on free ports,
// or uses a running one: bun scripts/screenshots.ts --url http://127.0.0.1:8080 --tcp-port 12345

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { LineClient } from "../test/e2e/client.ts";

const OUT = join(import.meta.dir, "..", "docs", "screenshots");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

async function login(page: Page, nick: string, password = "secret-pw") {
  await page.getByTestId("login-nick").fill(nick);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-create").check();
  await page.getByTestId("login-repeat").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("chat-screen").waitFor();
}

async function say(page: Page, text: string) {
  await page.getByTestId("composer-input").fill(text);
  await page.getByTestId("composer-input").press("Enter");
  await page.locator(`[data-testid=message-text]:text-is(${JSON.stringify(text)})`).last().waitFor();
}

async function newPage(browser: Browser, width: number, height: number, url: string) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function show(page: Page, to: string) {
  await page.getByTestId(to.startsWith("#") ? `room-${to}` : `pm-${to}`).getByRole("button").first().click();
  await page.locator(`[data-testid=messages][data-conversation=${JSON.stringify(to)}]:not([hidden])`).waitFor();
}

export async function takeScreenshots(url: string, tcpPort: number, outDir = OUT) {
  mkdirSync(outDir, { recursive: true });
  rmSync(join(outDir, "private-tab.png"), { force: true });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const telnet: LineClient[] = [];
  try {
    const ana = await newPage(browser, 1280, 800, url);
    await ana.getByTestId("login-nick").fill("ana");
    await ana.screenshot({ path: join(outDir, "login.png") });
    await login(ana, "ana");

    const beto = await newPage(browser, 1280, 800, url);
    await login(beto, "beto");
    const caro = await LineClient.login(tcpPort, "caro");
    const dani = await LineClient.login(tcpPort, "dani");
    const fer = await LineClient.login(tcpPort, "fer");
    telnet.push(caro, dani, fer);
    fer.send("/join #dev");
    await fer.waitFor(/#dev/);
    dani.send("/join #design");
    await dani.waitFor(/#design/);
    dani.clear();
    dani.send("/join #lobby");
    await dani.waitFor(/#lobby/);
    // Focusing the field asks for the room list again: #design shows among the others.
    await ana.getByTestId("new-room").focus();
    await ana.getByTestId("browse-#design").waitFor();
    await ana.getByTestId("new-room").fill("#dev");
    await ana.getByTestId("new-room-submit").click();
    await ana.getByTestId("room-#dev").waitFor();
    await say(ana, "Morning! Anyone seen the flaky test?");
    await show(ana, "#lobby");

    await say(ana, "Morning all! Coffee is on in the kitchen");
    await say(beto, "hola ana, I'll grab one after standup");
    caro.send("has anyone looked at the deploy from last night?");
    await ana.getByText("deploy from last night").waitFor();
    dani.send("/me raises hand — I did, all green");
    await ana.getByText("raises hand").waitFor();
    await say(ana, "Great, thanks dani. Release notes are in the wiki.");
    caro.send("/status busy reviewing PRs");
    dani.send("/status away lunch");
    await ana.locator("[data-testid=user-dani][data-status=away]").waitFor();
    await say(beto, "Long line check: the new search box should handle queries like \"café OR naïve\" and show results within 200 ms even on the slow staging box, otherwise we roll back.");
    await ana.locator("[data-testid=user-caro][data-status=busy]").waitFor();
    fer.send("the flaky test was a timezone thing, fixed on main");
    fer.send("@ana can you review the migration before lunch?");
    await ana.getByTestId("mentions-#dev").waitFor();
    caro.send("/msg ana can you review my PR when you have a minute?");
    await ana.getByTestId("unread-caro").waitFor();
    await ana.getByTestId("composer-input").fill("Sounds good — shipping at 3pm");
    await ana.screenshot({ path: join(outDir, "room-desktop.png") });

    await ana.getByTestId("composer-input").fill("");
    caro.send("/msg ana it's the one touching the login flow");
    await show(ana, "caro");
    await say(ana, "Sure, looking now");
    dani.send("!ana are we still on for lunch?");
    await ana.getByTestId("unread-dani").waitFor();
    await ana.screenshot({ path: join(outDir, "private.png") });

    await show(ana, "#dev");
    await ana.locator("[data-testid=message][data-mention]").waitFor();
    await ana.getByTestId("composer-input").fill("/list");
    await ana.getByTestId("composer-input").press("Enter");
    await ana.getByTestId("data-users").waitFor();
    await ana.getByTestId("composer-input").fill("/profile caro");
    await ana.getByTestId("composer-input").press("Enter");
    await ana.getByTestId("data-profile").waitFor();
    await ana.screenshot({ path: join(outDir, "mentions-and-data.png") });

    const phone = await newPage(browser, 390, 844, url);
    await login(phone, "eli");
    await say(phone, "Joining from my phone, on the train");
    await show(ana, "#lobby");
    await ana.getByText("Joining from my phone").waitFor();
    await say(ana, "Welcome eli!");
    await phone.getByText("Welcome eli!").waitFor();
    caro.send("!eli welcome aboard, ping me if you need access to anything");
    await phone.getByTestId("menu-unread").waitFor();
    await phone.screenshot({ path: join(outDir, "phone.png") });
    await phone.getByTestId("sidebar-toggle").click();
    // The drawer slides in: wait until it is all the way in.
    await phone.waitForFunction(() => getComputedStyle(document.getElementById("sidebar")!).transform === "none");
    await phone.screenshot({ path: join(outDir, "phone-sidebar.png") });
  } finally {
    for (const c of telnet) c.close();
    await browser.close();
  }
}

async function main() {
  const { values } = parseArgs({ options: { url: { type: "string" }, "tcp-port": { type: "string" } } });
  if (values.url) return takeScreenshots(values.url, Number(values["tcp-port"]));
  // The embedded store: nothing outside this process to start or clean up.
  const { embedded: driver } = await import("../test/e2e/harness.ts");
  const dataDir = mkdtempSync(join(tmpdir(), "chat-shots-"));
  const server = await driver.start(dataDir, { serverName: "acme chat", motd: ["Welcome to acme chat.", "Be kind; type /help for commands."] });
  try {
    await takeScreenshots(`http://127.0.0.1:${server.httpPort}/`, server.tcpPort);
  } finally {
    await server.stop();
    await driver.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`Screenshots written to ${OUT}`);
}

if (import.meta.main) await main();
