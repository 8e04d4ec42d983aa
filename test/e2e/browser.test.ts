import { afterAll, beforeAll, describe, expect, spyOn, test } from "bun:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { RunningServer } from "../../server/serve.ts";
import { StoreUnavailableError } from "../../server/core/store.ts";
import { lacks } from "../needs.ts";
import { launchChromium } from "./chromium.ts";
import { LineClient } from "./client.ts";
import { embedded, removeDir, tempDir } from "./harness.ts";
import { signIn } from "./web-login.ts";

// The web client in a real (headless) Chromium against an in-process chat server, with a
// telnet user on the same server. Chromium comes from the system: /usr/bin/chromium.

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WAIT = { timeout: 10_000 };
/** Starting the server (PGlite) and Chromium, or a test of several browsers, can take a while on a busy machine. */
const SLOW = 60_000;

/** Lets a test cut a page's connection and hold off its reconnects, to exercise resume. */
const SOCKET_CONTROL = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockSockets = false;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      // Blocked: a path of the page's own server that is no WebSocket (the CSP allows only its origin).
      super(window.__blockSockets ? String(url).replace("/ws", "/blocked") : url, protocols);
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
const exactly = (text: string) => new RegExp(`^${escape(text)}$`);
const activeLog = (page: Page) => page.locator("[data-testid=messages]:not([hidden])");
const logOf = (page: Page, to: string) => page.locator(`[data-testid=messages][data-conversation=${JSON.stringify(to)}]`);
/** Messages in a log (the visible one by default) whose text is exactly `text`. */
const message = (page: Page, text: string, log = activeLog(page)): Locator =>
  log.getByTestId("message-text").filter({ hasText: exactly(text) });
/** A conversation's unread badge ("3") or mention badge ("@1"). */
const badge = (page: Page, kind: "unread" | "mentions", to: string, count: number) =>
  page.getByTestId(`${kind}-${to}`).filter({ hasText: exactly(`${kind === "mentions" ? "@" : ""}${count}`) });

describe.skipIf(lacks("chromium"))("web client in a browser", () => {
  const dataDir = tempDir();
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const telnet: LineClient[] = [];
  let ana: Page;
  let beto: Page;
  let dora: Page;
  let caro: LineClient;
  const dialogs: string[] = [];

  const open = async (viewport = { width: 1280, height: 800 }) => {
    const context = await browser.newContext({ viewport });
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
  const login = (page: Page, nick: string, password = "secret-pw") => signIn(page, nick, password, WAIT);
  const say = async (page: Page, text: string) => {
    await page.getByTestId("composer-input").fill(text);
    await page.getByTestId("composer-input").press("Enter");
  };
  const show = async (page: Page, to: string) => {
    await page.getByTestId(to.startsWith("#") ? `room-${to}` : `pm-${to}`).getByRole("button").first().click();
    await activeLog(page).and(logOf(page, to)).waitFor(WAIT);
  };

  beforeAll(async () => {
    server = await embedded.start(dataDir);
    browser = await launchChromium(CHROMIUM_ARGS);
  }, SLOW);

  afterAll(async () => {
    for (const c of telnet) c.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await embedded.cleanup();
    removeDir(dataDir);
  }, SLOW);

  test("serves the login page", async () => {
    ana = await open();
    await ana.getByTestId("login-form").waitFor(WAIT);
    expect(await ana.getByLabel("Nickname").count()).toBe(1);
    expect(await ana.getByLabel("Password", { exact: true }).count()).toBe(1);
    // Creating an account is a choice, with the password twice.
    expect(await ana.getByLabel("Create a new account").count()).toBe(1);
    // The server's own MOTD, as a terminal shows it before the nickname prompt.
    await ana.getByTestId("login-motd").filter({ hasText: "Welcome! Type /help for commands." }).waitFor(WAIT);
  }, SLOW);

  test("a wrong password shows on the login form", async () => {
    await login(ana, "ana");
    const other = await open();
    await other.getByTestId("login-nick").fill("ana");
    await other.getByTestId("login-password").fill("not-it");
    await other.getByTestId("login-submit").click();
    await other.getByTestId("login-error").filter({ hasText: /wrong password/i }).waitFor(WAIT);
    expect(await other.getByTestId("chat-screen").isHidden()).toBe(true);
  }, SLOW);

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

    const row = activeLog(ana).getByTestId("message").filter({ has: ana.getByTestId("message-text").filter({ hasText: exactly("hi from beto") }) });
    expect(await row.getAttribute("data-from")).toBe("beto");
    expect(await row.locator("time").innerText()).toMatch(/^\d\d:\d\d$/);
    expect(await message(ana, "hola from ana").count()).toBe(1);
  }, SLOW);

  test("/me typed in the web box is an emote", async () => {
    await say(ana, "/me waves at everyone");
    const emote = activeLog(beto).locator("[data-kind=emote]").getByText("* ana waves at everyone", { exact: true });
    await emote.waitFor(WAIT);
    await caro.waitFor(/\* ana waves at everyone$/);
    // Typed in a box, "//" sends a line that starts with "/".
    await say(ana, "//shrug is not a command");
    await message(beto, "/shrug is not a command").waitFor(WAIT);
  }, SLOW);

  test("!nick typed in the web box is private: only the two of them see it", async () => {
    dora = await open();
    await login(dora, "dora");
    await say(ana, "!beto psst, only for beto");
    await badge(beto, "unread", "ana", 1).waitFor(WAIT);
    await ana.getByTestId("pm-beto").waitFor(WAIT);
    // Messages from one sender arrive in order: once dora sees the next public one, she would have had it.
    await say(ana, "public after the private one");
    await message(dora, "public after the private one").waitFor(WAIT);
    await caro.waitFor(/<ana> public after the private one$/);
    expect(await dora.getByText("psst, only for beto").count()).toBe(0);
    expect(await dora.getByTestId("pm-ana").count()).toBe(0);
    expect(caro.text).not.toContain("psst");
    // Never in the room, for either of them.
    expect(await message(beto, "psst, only for beto", logOf(beto, "#lobby")).count()).toBe(0);
    expect(await message(ana, "psst, only for beto", logOf(ana, "#lobby")).count()).toBe(0);

    await show(beto, "ana");
    await message(beto, "psst, only for beto").waitFor(WAIT);
    await beto.getByTestId("unread-ana").waitFor({ state: "detached", ...WAIT });
    // Plain text typed in a private conversation goes to that person.
    await say(beto, "got it, ana");
    await badge(ana, "unread", "beto", 1).waitFor(WAIT);
    await show(ana, "beto");
    await message(ana, "psst, only for beto").waitFor(WAIT);
    await message(ana, "got it, ana").waitFor(WAIT);
    expect(await dora.getByText("got it, ana").count()).toBe(0);
  }, SLOW);

  test("a private message from the telnet user goes to its own conversation", async () => {
    caro.send("/msg ana a secret from telnet");
    await badge(ana, "unread", "caro", 1).waitFor(WAIT);
    caro.send("!ana and another one");
    await badge(ana, "unread", "caro", 2).waitFor(WAIT);
    await show(ana, "caro");
    await message(ana, "and another one").waitFor(WAIT);
    await ana.getByTestId("unread-caro").waitFor({ state: "detached", ...WAIT });
    await say(ana, "hi caro");
    await caro.waitFor(/\[ana → caro\] hi caro$/);
    await show(ana, "#lobby");
  }, SLOW);

  test("a user in #lobby and #dev sees both rooms live, with unread and mention badges", async () => {
    await ana.getByTestId("new-room").fill("#dev");
    await ana.getByTestId("new-room-submit").click();
    await ana.getByTestId("current-title").filter({ hasText: "#dev" }).waitFor(WAIT);
    await ana.getByTestId("room-#dev").waitFor(WAIT);
    await say(beto, "/join #dev");
    await beto.getByTestId("room-#dev").waitFor(WAIT);
    await beto.getByTestId("current-title").filter({ hasText: "#dev" }).waitFor(WAIT);
    await show(ana, "#lobby");

    await say(beto, "dev talk");
    await say(beto, "@ana can you look at this?");
    await say(dora, "meanwhile in the lobby");
    await message(ana, "meanwhile in the lobby").waitFor(WAIT);
    await badge(ana, "unread", "#dev", 2).waitFor(WAIT);
    await badge(ana, "mentions", "#dev", 1).waitFor(WAIT);
    expect(await ana.getByTestId("unread-#lobby").count()).toBe(0);
    expect(await ana.title()).toMatch(/^\(2\) /);
    // Live, in its own log, before it is shown.
    await message(ana, "dev talk", logOf(ana, "#dev")).waitFor({ state: "attached", ...WAIT });
    expect(await message(ana, "dev talk", logOf(ana, "#lobby")).count()).toBe(0);
    // The message that names ana is marked; the other is not.
    const mention = logOf(ana, "#dev").locator("[data-testid=message][data-mention]");
    expect(await mention.getByTestId("message-text").allInnerTexts()).toEqual(["@ana can you look at this?"]);
    expect(await mention.getAttribute("class")).toContain("msg--mention");
    // Beto is reading #dev and wrote there: nothing unread for him.
    expect(await beto.getByTestId("unread-#dev").count()).toBe(0);
  }, SLOW);

  test("the counts survive a reload and show on another device", async () => {
    await ana.reload();
    await ana.getByTestId("chat-screen").waitFor(WAIT);
    await badge(ana, "unread", "#dev", 2).waitFor(WAIT);
    await badge(ana, "mentions", "#dev", 1).waitFor(WAIT);
    await activeLog(ana).and(logOf(ana, "#lobby")).waitFor(WAIT);
    await message(ana, "meanwhile in the lobby").waitFor(WAIT);
    await ana.getByTestId("pm-caro").waitFor(WAIT);
    expect(await ana.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain("secret-pw");

    const phone = await open({ width: 390, height: 844 });
    await login(phone, "ana");
    await badge(phone, "unread", "#dev", 2).waitFor({ state: "attached", ...WAIT });
    await badge(phone, "mentions", "#dev", 1).waitFor({ state: "attached", ...WAIT });
    await phone.getByTestId("menu-unread").filter({ hasText: "2" }).waitFor(WAIT);

    // Reading #dev on one device clears it on the other.
    await show(ana, "#dev");
    await message(ana, "@ana can you look at this?").waitFor(WAIT);
    await ana.getByTestId("unread-#dev").waitFor({ state: "detached", ...WAIT });
    await phone.getByTestId("unread-#dev").waitFor({ state: "detached", ...WAIT });
    await phone.getByTestId("mentions-#dev").waitFor({ state: "detached", ...WAIT });
    await phone.getByTestId("menu-unread").waitFor({ state: "hidden", ...WAIT });
    await phone.context().close();
    await show(ana, "#lobby");
  }, SLOW);

  test("private messages sent while offline appear in the private conversation after login", async () => {
    const eve = await open();
    await login(eve, "eve");
    await eve.getByTestId("logout").click();
    await eve.getByTestId("login-form").waitFor(WAIT);
    await ana.getByTestId("user-eve").waitFor({ state: "detached", ...WAIT });
    caro.send("!eve while you were out");
    caro.send("!eve and a second one");
    await caro.waitFor(/\[caro → eve\] and a second one$/);

    await login(eve, "eve");
    await badge(eve, "unread", "caro", 2).waitFor(WAIT);
    await activeLog(eve).and(logOf(eve, "#lobby")).waitFor(WAIT);
    await message(eve, "meanwhile in the lobby").waitFor(WAIT);
    expect(await message(eve, "while you were out", logOf(eve, "#lobby")).count()).toBe(0);
    await show(eve, "caro");
    await message(eve, "while you were out").waitFor(WAIT);
    await message(eve, "and a second one").waitFor(WAIT);
    await eve.getByTestId("unread-caro").waitFor({ state: "detached", ...WAIT });
    await eve.context().close();
  }, SLOW);

  test("after a dropped connection it reconnects and shows what was missed, once", async () => {
    await ana.evaluate(() => {
      window.__blockSockets = true;
      window.__sockets.at(-1)!.close();
    });
    await ana.getByTestId("banner").filter({ hasText: /reconnecting/i }).waitFor(WAIT);
    caro.send("missed in the lobby");
    caro.send("!ana missed private");
    await say(beto, "missed in dev");
    await message(beto, "missed in dev").waitFor(WAIT);
    await caro.waitFor(/\[caro → ana\] missed private$/);
    await caro.waitFor(/<caro> missed in the lobby$/);
    await ana.evaluate(() => {
      window.__blockSockets = false;
    });
    await ana.getByTestId("retry-now").click().catch(() => {});
    await message(ana, "missed in the lobby").waitFor(WAIT);
    await ana.getByTestId("banner").waitFor({ state: "hidden", ...WAIT });
    await badge(ana, "unread", "#dev", 1).waitFor(WAIT);
    await badge(ana, "unread", "caro", 1).waitFor(WAIT);
    await say(dora, "after the reconnect");
    await message(ana, "after the reconnect").waitFor(WAIT);
    for (const text of ["hola from ana", "meanwhile in the lobby", "missed in the lobby", "after the reconnect"]) {
      expect(await message(ana, text).count()).toBe(1);
    }
    const ids = await activeLog(ana).getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await show(ana, "#dev");
    await message(ana, "missed in dev").waitFor(WAIT);
    expect(await message(ana, "missed in dev").count()).toBe(1);
    await show(ana, "caro");
    await message(ana, "missed private").waitFor(WAIT);
    expect(await message(ana, "missed private").count()).toBe(1);
    await show(ana, "#lobby");
  }, SLOW);

  test("a message typed while disconnected or during a database outage waits in the outbox, and is sent once when it can", async () => {
    const outbox = ana.getByTestId("outbox-item");
    await ana.evaluate(() => {
      window.__blockSockets = true;
      window.__sockets.at(-1)!.close();
    });
    await ana.getByTestId("banner").filter({ hasText: /reconnecting/i }).waitFor(WAIT);
    await say(ana, "typed while offline");
    await outbox.filter({ hasText: "Waiting to send" }).filter({ hasText: "typed while offline" }).waitFor(WAIT);
    await ana.evaluate(() => {
      window.__blockSockets = false;
    });
    await ana.getByTestId("retry-now").click().catch(() => {});
    await message(ana, "typed while offline").waitFor(WAIT);
    await ana.getByTestId("outbox").waitFor({ state: "hidden", ...WAIT });
    await caro.waitFor(/<ana> typed while offline$/);

    // The database goes away: the message is refused, waits, and goes once it is back.
    const down = () => Promise.reject(new StoreUnavailableError("ECONNREFUSED"));
    const spies = [spyOn(server.store, "insertMessages").mockImplementation(down), spyOn(server.store, "ping").mockImplementation(down)];
    try {
      await say(ana, "typed during the outage");
      await outbox.filter({ hasText: "Waiting to send" }).filter({ hasText: "typed during the outage" }).waitFor(WAIT);
      await activeLog(ana).getByText(/messages cannot be sent for now/).waitFor(WAIT);
    } finally {
      for (const s of spies) s.mockRestore();
    }
    await message(ana, "typed during the outage").waitFor(WAIT);
    await ana.getByTestId("outbox").waitFor({ state: "hidden", ...WAIT });
    await caro.waitFor(/<ana> typed during the outage$/);
    caro.send("marker after the outbox");
    await message(ana, "marker after the outbox").waitFor(WAIT);
    for (const text of ["typed while offline", "typed during the outage"]) {
      expect(await message(ana, text).count()).toBe(1);
      expect(caro.text.split(`<ana> ${text}`).length).toBe(2);
    }
    const lobby = (await server.store.findRoom("#lobby"))!;
    const texts = (await server.store.roomHistory(lobby.id, 200)).map((m) => m.text);
    expect(texts.filter((t) => t === "typed while offline" || t === "typed during the outage")).toEqual(["typed while offline", "typed during the outage"]);
  }, SLOW);

  test("/list, /help and /profile are drawn as data", async () => {
    await say(ana, "/list");
    const users = activeLog(ana).getByTestId("data-users").last();
    await users.waitFor(WAIT);
    await users.locator("td").filter({ hasText: exactly("caro") }).waitFor(WAIT);
    await say(ana, "/help");
    const help = activeLog(ana).getByTestId("data-help").last();
    await help.locator("code").filter({ hasText: /^\/join / }).waitFor(WAIT);
    await say(ana, "/profile beto");
    await activeLog(ana).getByTestId("data-profile").filter({ hasText: "beto" }).waitFor(WAIT);
    await say(ana, "/nosuchcommand");
    await activeLog(ana).getByTestId("error").filter({ hasText: /unknown command/i }).waitFor(WAIT);
  }, SLOW);

  test("leaving a room, browsing other rooms and joining one again", async () => {
    await show(ana, "#dev");
    await ana.getByTestId("leave-room").click();
    await ana.getByTestId("room-#dev").waitFor({ state: "detached", ...WAIT });
    await activeLog(ana).and(logOf(ana, "#lobby")).waitFor(WAIT);
    await ana.getByTestId("browse-#dev").click();
    await ana.getByTestId("room-#dev").waitFor(WAIT);
    await ana.getByTestId("current-title").filter({ hasText: "#dev" }).waitFor(WAIT);
    await message(ana, "missed in dev").waitFor(WAIT);
    // Dora's only room cannot be left: the server says so.
    expect(await dora.getByTestId("leave-room").isHidden()).toBe(true);
    await say(dora, "/leave");
    await activeLog(dora).getByTestId("error").filter({ hasText: /only room/i }).waitFor(WAIT);
  }, SLOW);

  test("user text with HTML is shown literally", async () => {
    const evil = "<img src=x onerror=alert(1)> <b>bold?</b>";
    await say(beto, evil);
    await message(ana, evil).waitFor(WAIT);
    expect(await activeLog(ana).locator("img, b").count()).toBe(0);
    expect(dialogs).toEqual([]);
  }, SLOW);

  test("a prompt from the server turns the input into a hidden answer", async () => {
    await say(ana, "/password");
    await ana.getByTestId("composer").filter({ hasText: /current password/i }).waitFor(WAIT);
    const secret = ana.getByTestId("composer-secret");
    await secret.waitFor(WAIT);
    expect(await secret.getAttribute("type")).toBe("password");
    expect(await ana.getByTestId("composer-input").isHidden()).toBe(true);
    await secret.fill("not-my-password");
    await secret.press("Enter");
    await activeLog(ana).getByTestId("error").filter({ hasText: /wrong password/i }).waitFor(WAIT);
    await secret.waitFor({ state: "hidden", ...WAIT });
    await ana.getByTestId("composer-input").waitFor(WAIT);
    expect(await activeLog(ana).innerText()).not.toContain("not-my-password");
  }, SLOW);

  test("scrolling to the top loads older history", async () => {
    for (let i = 1; i <= 60; i++) caro.send(`filler ${i}`);
    await caro.waitFor(/<caro> filler 60$/);
    const fresh = await open({ width: 1280, height: 500 });
    await login(fresh, "fran");
    await message(fresh, "filler 60").waitFor(WAIT);
    expect(await message(fresh, "hola from ana").count()).toBe(0);
    // Each scroll to the top asks for one more page, until the start.
    await fresh.waitForFunction(() => {
      const log = document.querySelector<HTMLElement>("[data-testid=messages]:not([hidden])")!;
      log.scrollTop = 0;
      return Array.from(log.querySelectorAll("[data-testid=message-text]")).some((e) => e.textContent === "hola from ana");
    }, undefined, { polling: 100, ...WAIT });
    const ids = await activeLog(fresh).getByTestId("message").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-id"))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  }, SLOW);

  test("works on a phone-sized screen", async () => {
    await beto.setViewportSize({ width: 390, height: 844 });
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    await beto.getByTestId("composer-input").waitFor({ state: "visible", ...WAIT });
    await beto.getByTestId("sidebar-toggle").click();
    await beto.getByTestId("user-list").waitFor({ state: "visible", ...WAIT });
    await beto.keyboard.press("Escape");
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    // Picking a conversation in the sidebar shows it and closes the sidebar.
    await beto.getByTestId("sidebar-toggle").click();
    await show(beto, "#lobby");
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    await beto.getByTestId("current-title").filter({ hasText: "#lobby" }).waitFor(WAIT);
    await say(ana, "@beto on your phone?");
    await badge(beto, "mentions", "#dev", 1).waitFor({ state: "attached", ...WAIT });
    await beto.getByTestId("menu-unread").waitFor(WAIT);
    await beto.getByTestId("sidebar-toggle").click();
    await beto.getByTestId("sidebar-close").click();
    await beto.getByTestId("sidebar").waitFor({ state: "hidden", ...WAIT });
    await say(beto, "typed on a phone");
    await message(beto, "typed on a phone").waitFor(WAIT);
    const box = await beto.getByTestId("composer").boundingBox();
    expect(box!.y + box!.height).toBeGreaterThan(800);
    const width = await beto.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  }, SLOW);

  test("/quit signs out quietly", async () => {
    await say(dora, "/quit");
    await dora.getByTestId("login-form").waitFor(WAIT);
    expect(await dora.getByTestId("login-error").isHidden()).toBe(true);
    await ana.getByTestId("user-dora").waitFor({ state: "detached", ...WAIT });
  }, SLOW);
});
