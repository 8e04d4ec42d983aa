import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { RunningServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { launchChromium } from "./chromium.ts";
import { LineClient } from "./client.ts";
import { embedded, removeDir, tempDir } from "./harness.ts";

// The web client in a real (headless) Chromium against an in-process chat server, with a
// telnet user on the same server. Chromium comes from the system: /usr/bin/chromium.

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WAIT = { timeout: 10_000 };

/** Lets a test cut a page's connection and hold off its reconnects, to exercise resume. */
const SOCKET_CONTROL = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockSockets = false;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(window.__blockSockets ? "ws://127.0.0.1:9/blocked" : url, protocols);
      window.__sockets.push(this);
    }
  };
})();`;

declare global {
  interface Window {
    __sockets: WebSocket[];
    __blockSockets: boolean;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const activeLog = (page: Page) => page.locator("[data-testid=messages]:not([hidden])");
/** Messages in the visible conversation whose text is exactly `text`. */
const message = (page: Page, text: string): Locator =>
  activeLog(page).getByTestId("message-text").filter({ hasText: new RegExp(`^${escape(text)}$`) });

describe.skipIf(lacks("chromium"))("web client in a browser", () => {
  const dataDir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const telnet: LineClient[] = [];
  let ana: Page;
  let beto: Page;
  let caro: LineClient;
  const dialogs: string[] = [];

  const open = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    await context.addInitScript(SOCKET_CONTROL);
    const page = await context.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    return page;
  };
  const login = async (page: Page, nick: string, password = "secret") => {
    await page.getByTestId("login-nick").fill(nick);
    await page.getByTestId("login-password").fill(password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("chat-screen").waitFor(WAIT);
    await page.getByTestId("user-" + nick).waitFor(WAIT);
  };
  const say = async (page: Page, text: string) => {
    await page.getByTestId("composer-input").fill(text);
    await page.getByTestId("composer-input").press("Enter");
  };

  beforeAll(async () => {
    server = await embedded.start(dataDir);
    browser = await launchChromium(CHROMIUM_ARGS);
  });

  afterAll(async () => {
    for (const c of telnet) c.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await embedded.cleanup();
    removeDir(dataDir);
  });

  test("serves the login page", async () => {
    ana = await open();
    await ana.getByTestId("login-form").waitFor(WAIT);
    expect(await ana.getByLabel("Nickname").count()).toBe(1);
    expect(await ana.getByLabel("Password").count()).toBe(1);
    // The server's own MOTD, as a terminal shows it before the nickname prompt.
    await ana.getByTestId("login-motd").filter({ hasText: "Welcome! Type /help for commands." }).waitFor(WAIT);
  });

  test("a wrong password shows on the login form", async () => {
    await login(ana, "ana", "secret");
    const other = await open();
    await other.getByTestId("login-nick").fill("ana");
    await other.getByTestId("login-password").fill("not-it");
    await other.getByTestId("login-submit").click();
    await other.getByTestId("login-error").filter({ hasText: /wrong password/i }).waitFor(WAIT);
    expect(await other.getByTestId("chat-screen").isHidden()).toBe(true);
  });

  test("two browser users and a telnet user see each other's public messages", async () => {
    beto = await open();
    await login(beto, "beto");
    caro = await LineClient.login(server.tcpPort, "caro");
    telnet.push(caro);
    await ana.getByTestId("user-caro").waitFor(WAIT);

    await say(ana, "hola from ana");
    await message(beto, "hola from ana").waitFor(WAIT);
    await caro.waitFor(/<ana> hola from ana$/);
    await message(ana, "hola from ana").waitFor(WAIT);

    await say(beto, "hi from beto");
    await message(ana, "hi from beto").waitFor(WAIT);
    await caro.waitFor(/<beto> hi from beto$/);

    caro.send("greetings from telnet");
    await message(ana, "greetings from telnet").waitFor(WAIT);
    await message(beto, "greetings from telnet").waitFor(WAIT);
    caro.send("/me waves");
    await activeLog(ana).getByText("* caro waves", { exact: true }).waitFor(WAIT);

    const row = activeLog(ana).getByTestId("message").filter({ has: ana.getByTestId("message-text").filter({ hasText: /^hi from beto$/ }) });
    expect(await row.getAttribute("data-from")).toBe("beto");
    expect(await row.locator("time").innerText()).toMatch(/^\d\d:\d\d$/);
    expect(await message(ana, "hola from ana").count()).toBe(1);
  });

  test("a private message from the telnet user opens a tab with an unread count", async () => {
    caro.send("/msg ana psst, a secret for ana");
    await ana.getByTestId("unread-caro").filter({ hasText: "1" }).waitFor(WAIT);
    caro.send("!ana and another one");
    await ana.getByTestId("unread-caro").filter({ hasText: "2" }).waitFor(WAIT);
    expect(await beto.getByTestId("tab-pm-caro").count()).toBe(0);

    await ana.getByTestId("tab-pm-caro").click();
    await message(ana, "psst, a secret for ana").waitFor(WAIT);
    await message(ana, "and another one").waitFor(WAIT);
    expect(await ana.getByTestId("unread-caro").count()).toBe(0);

    await say(ana, "got it, caro");
    await caro.waitFor(/\[ana → caro\] got it, caro$/);
    await message(ana, "got it, caro").waitFor(WAIT);
    expect(await message(ana, "got it, caro").count()).toBe(1);
  });

  test("clicking a user opens a private conversation", async () => {
    await beto.getByTestId("user-ana").getByRole("button").click();
    await beto.getByTestId("tab-pm-ana").waitFor(WAIT);
    await say(beto, "private hello to ana");
    await ana.getByTestId("unread-beto").filter({ hasText: "1" }).waitFor(WAIT);
    await message(beto, "private hello to ana").waitFor(WAIT);
    await beto.getByTestId("tab-room").click();
    expect(caro.text).not.toContain("private hello to ana");
  });

  test("a status change in one browser shows in the other's user list", async () => {
    await ana.getByTestId("status-note").fill("in a meeting");
    await ana.getByTestId("status-select").selectOption("busy");
    const entry = beto.locator("[data-testid=user-ana][data-status=busy]");
    await entry.waitFor(WAIT);
    expect(await entry.getByTestId("user-status").innerText()).toBe("busy");
    expect(await entry.getByTestId("user-note").innerText()).toContain("in a meeting");
    caro.send("/status away lunch");
    await ana.locator("[data-testid=user-caro][data-status=away]").waitFor(WAIT);
  });

  test("user text with HTML is shown literally", async () => {
    const evil = "<img src=x onerror=alert(1)> <b>bold?</b>";
    await say(beto, evil);
    await ana.getByTestId("tab-room").click();
    await message(ana, evil).waitFor(WAIT);
    expect(await activeLog(ana).locator("img, b").count()).toBe(0);
    await ana.waitForTimeout(200);
    expect(dialogs).toEqual([]);
  });

  test("slash commands run as telnet lines", async () => {
    await say(ana, "/join #dev");
    await ana.getByTestId("current-title").filter({ hasText: "#dev" }).waitFor(WAIT);
    await ana.getByTestId("room-#dev").waitFor(WAIT);
    await say(ana, "/list");
    await activeLog(ana).getByTestId("system").filter({ hasText: "caro" }).waitFor(WAIT);
    await say(ana, "dev talk");
    caro.send("/join #dev");
    await caro.waitFor(/<ana> dev talk$/);
    await ana.getByTestId("leave-room").click();
    await ana.getByTestId("current-title").filter({ hasText: "#lobby" }).waitFor(WAIT);
    await message(ana, "hola from ana").waitFor(WAIT);
  });

  test("a prompt from the server turns the input into a hidden answer", async () => {
    await say(ana, "/password");
    await ana.getByTestId("composer").filter({ hasText: /current password/i }).waitFor(WAIT);
    expect(await ana.getByTestId("composer-input").getAttribute("type")).toBe("password");
    await say(ana, "not-my-password");
    await activeLog(ana).getByTestId("error").filter({ hasText: /wrong password/i }).waitFor(WAIT);
    expect(await ana.getByTestId("composer-input").getAttribute("type")).toBe("text");
    expect(await activeLog(ana).innerText()).not.toContain("not-my-password");
  });

  test("after a dropped connection it reconnects and shows what was missed, once", async () => {
    await ana.evaluate(() => {
      window.__blockSockets = true;
      window.__sockets.at(-1)!.close();
    });
    await ana.getByTestId("banner").filter({ hasText: /reconnecting/i }).waitFor(WAIT);
    caro.send("/leave");
    caro.send("missed while away 1");
    caro.send("!ana missed private");
    await say(beto, "missed while away 2");
    await caro.waitFor(/<beto> missed while away 2$/);
    await caro.waitFor(/\[caro → ana\] missed private$/);
    await ana.evaluate(() => {
      window.__blockSockets = false;
    });
    await ana.getByTestId("retry-now").click().catch(() => {});
    await message(ana, "missed while away 1").waitFor(WAIT);
    await message(ana, "missed while away 2").waitFor(WAIT);
    await ana.getByTestId("banner").waitFor({ state: "hidden", ...WAIT });
    await ana.getByTestId("unread-caro").waitFor(WAIT);
    await say(beto, "after the reconnect");
    await message(ana, "after the reconnect").waitFor(WAIT);
    for (const text of ["hola from ana", "hi from beto", "missed while away 1", "missed while away 2"]) {
      expect(await message(ana, text).count()).toBe(1);
    }
    const ids = await activeLog(ana).getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await ana.getByTestId("tab-pm-caro").click();
    await message(ana, "missed private").waitFor(WAIT);
    expect(await message(ana, "missed private").count()).toBe(1);
  });

  test("a reload keeps the history and the private tabs", async () => {
    await ana.reload();
    await ana.getByTestId("chat-screen").waitFor(WAIT);
    await ana.getByTestId("tab-pm-caro").waitFor(WAIT);
    await message(ana, "got it, caro").waitFor(WAIT);
    await message(ana, "psst, a secret for ana").waitFor(WAIT);
    await ana.getByTestId("tab-room").click();
    await message(ana, "after the reconnect").waitFor(WAIT);
    await message(ana, "hi from beto").waitFor(WAIT);
    expect(await ana.getByTestId("me-nick").innerText()).toBe("ana");
    const stored = await ana.evaluate(() => JSON.stringify(sessionStorage));
    expect(stored).not.toContain("secret\"");
    await say(ana, "back after reload");
    await message(beto, "back after reload").waitFor(WAIT);
  });

  test("scrolling to the top loads older history", async () => {
    for (let i = 1; i <= 60; i++) caro.send(`filler ${i}`);
    await caro.waitFor(/<caro> filler 60$/);
    const fresh = await open();
    await fresh.setViewportSize({ width: 1280, height: 500 });
    await login(fresh, "dora");
    await message(fresh, "filler 60").waitFor(WAIT);
    expect(await message(fresh, "hola from ana").count()).toBe(0);
    for (let i = 0; i < 5 && !(await message(fresh, "hola from ana").count()); i++) {
      await activeLog(fresh).evaluate((e) => e.scrollTo(0, 0));
      await fresh.waitForTimeout(300);
    }
    await message(fresh, "hola from ana").waitFor(WAIT);
    const ids = await activeLog(fresh).getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  test("works on a phone-sized screen", async () => {
    await beto.setViewportSize({ width: 390, height: 844 });
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    await beto.getByTestId("composer-input").waitFor({ state: "visible", ...WAIT });
    await beto.getByTestId("sidebar-toggle").click();
    await beto.getByTestId("user-list").waitFor({ state: "visible", ...WAIT });
    await beto.getByTestId("room-#lobby").waitFor(WAIT);
    await beto.keyboard.press("Escape");
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    await beto.getByTestId("sidebar-toggle").click();
    await beto.getByTestId("sidebar-close").click();
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    const box = await beto.getByTestId("composer").boundingBox();
    expect(box!.y + box!.height).toBeGreaterThan(800);
    const width = await beto.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
