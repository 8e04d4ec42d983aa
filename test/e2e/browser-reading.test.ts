import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { RunningServer } from "../../server/serve.ts";
import { embeddedClient } from "../../server/store/pglite.ts";
import { lacks } from "../needs.ts";
import { freshDataDir } from "../template.ts";
import { launchChromium } from "./chromium.ts";
import { LineClient } from "./client.ts";
import { embedded, removeDir } from "./harness.ts";
import { signIn } from "./web-login.ts";

// The web client's reading, writing, attention and search, in headless Chromium with two browser
// users and telnet users on one in-process server whose store holds messages from earlier days.

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WAIT = { timeout: 10_000 };
const SLOW = 60_000;
/** Setting up may build the test template (once per change to sql/), on a machine others share. */
const SETUP = 180_000;
/** Messages stored yesterday after the one search finds: more than one page of history (50). */
const FILLER = 80;

/** Records the desktop notifications a page shows, and lets a test make the page look hidden. */
const PAGE_HOOKS = `(() => {
  window.__notes = [];
  const Native = window.Notification;
  if (Native) {
    window.Notification = class extends Native {
      constructor(title, options) {
        super(title, options);
        window.__notes.push({ title, body: options && options.body });
      }
    };
  }
  window.__hide = (hidden) => {
    Object.defineProperty(document, "visibilityState", { get: () => (hidden ? "hidden" : "visible"), configurable: true });
    document.hasFocus = () => !hidden;
    document.dispatchEvent(new Event("visibilitychange"));
  };
})();`;

declare global {
  interface Window {
    __notes: { title: string; body: string }[];
    __hide(hidden: boolean): void;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const exactly = (text: string) => new RegExp(`^${escape(text)}$`);
const activeLog = (page: Page) => page.locator("[data-testid=messages]:not([hidden])");
const message = (page: Page, text: string, log = activeLog(page)): Locator =>
  log.getByTestId("message-text").filter({ hasText: exactly(text) });
/** The whole row (time, sender, text) of the message whose text is exactly `text`, in the visible log. */
const row = (page: Page, text: string) =>
  activeLog(page).getByTestId("message").filter({ has: page.getByTestId("message-text").filter({ hasText: exactly(text) }) });
const show = async (page: Page, to: string) => {
  await page.getByTestId(to.startsWith("#") ? `room-${to}` : `pm-${to}`).getByRole("button").first().click();
  await activeLog(page).and(page.locator(`[data-testid=messages][data-conversation=${JSON.stringify(to)}]`)).waitFor(WAIT);
};

/** Gives the store of `dataDir` messages from three days ago and yesterday, before the server starts. */
async function seedOldMessages(dataDir: string) {
  const db = await embeddedClient(dataDir);
  try {
    const [u] = await db.query<{ id: number }>("INSERT INTO users (nick, nick_key, password_hash) VALUES ('olda', 'olda', 'x') RETURNING id");
    const at = (days: number, minutes: number) => `now() - interval '${days} days' + interval '${minutes} minutes'`;
    const say = (text: string, when: string) => db.query(
      `INSERT INTO messages (sender_id, room_id, kind, body, created_at)
       SELECT $1, id, 'public', $2, ${when} FROM rooms WHERE name_key = '#lobby'`, [u!.id, text]);
    await say("Quedamos en el café de la esquina", at(3, -30));
    await say("y traed los apuntes", at(3, -29));
    for (let i = 1; i <= FILLER; i++) await say(`relleno ${i}`, at(1, -FILLER + i));
  } finally {
    await db.close();
  }
}

describe.skipIf(lacks("chromium"))("web client: reading, writing, attention and search", () => {
  let dataDir = "";
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const telnet: LineClient[] = [];
  let ana: Page;
  let beto: Page;
  let caro: LineClient;

  const open = async (context?: BrowserContext) => {
    if (!context) {
      context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      await context.grantPermissions(["notifications"]);
      await context.addInitScript(PAGE_HOOKS);
    }
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    return page;
  };
  const login = (page: Page, nick: string, password = "secret-pw") => signIn(page, nick, password, WAIT);
  const say = async (page: Page, text: string) => {
    await page.getByTestId("composer-input").fill(text);
    await page.getByTestId("composer-input").press("Enter");
  };
  const dayLabels = (page: Page) => activeLog(page).getByTestId("day").allInnerTexts();

  beforeAll(async () => {
    dataDir = await freshDataDir();
    await seedOldMessages(dataDir);
    server = await embedded.start(dataDir);
    browser = await launchChromium(CHROMIUM_ARGS);
    ana = await open();
    await login(ana, "ana");
    beto = await open();
    await login(beto, "beto");
    caro = await LineClient.login(server.tcpPort, "caro");
    telnet.push(caro);
    await ana.getByTestId("user-caro").waitFor(WAIT);
  }, SETUP);

  afterAll(async () => {
    for (const c of telnet) c.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await embedded.cleanup();
    if (dataDir) removeDir(dataDir);
  }, SLOW);

  test("day separators: yesterday's messages under Yesterday, today's under Today; one sender's run under one name", async () => {
    await message(ana, `relleno ${FILLER}`).waitFor(WAIT);
    await say(beto, "good morning");
    await say(beto, "second line from beto");
    await message(ana, "second line from beto").waitFor(WAIT);
    expect(await dayLabels(ana)).toEqual(["Yesterday", "Today"]);
    // Each separator sits right before its day's first message.
    const before = (text: string) => row(ana, text).evaluate((e) => e.previousElementSibling?.textContent);
    expect(await before("good morning")).toBe("Today");
    // Beto's second message continues his run; his first starts it.
    expect(await row(ana, "second line from beto").getAttribute("class")).toContain("msg--cont");
    expect(await row(ana, "good morning").getAttribute("class")).not.toContain("msg--cont");
    // The time alone stays HH:MM; the day is the separator's.
    expect(await row(ana, "good morning").locator("time").innerText()).toMatch(/^\d\d:\d\d$/);
  }, SLOW);

  test("links: http, https and mailto are clickable, open in a new tab, and are built from text", async () => {
    await say(beto, "see https://example.org/a?b=1. or (http://example.com/x) mailto:club@example.org javascript:alert(1) <a href=//evil>no</a>");
    const text = message(ana, "see https://example.org/a?b=1. or (http://example.com/x) mailto:club@example.org javascript:alert(1) <a href=//evil>no</a>");
    await text.waitFor(WAIT);
    const links = await text.locator("a").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent, a.getAttribute("target"), a.getAttribute("rel")]));
    expect(links).toEqual([
      ["https://example.org/a?b=1", "https://example.org/a?b=1", "_blank", "noopener noreferrer"],
      ["http://example.com/x", "http://example.com/x", "_blank", "noopener noreferrer"],
      ["mailto:club@example.org", "mailto:club@example.org", "_blank", "noopener noreferrer"],
    ]);
  }, SLOW);

  test("multi-line: Shift+Enter starts a new line, Enter sends the lines as one message; a terminal shows them indented", async () => {
    const box = ana.getByTestId("composer-input");
    await box.fill("");
    await box.type("first line");
    await box.press("Shift+Enter");
    await box.type("second line");
    await box.press("Enter");
    await message(beto, "first line\nsecond line").waitFor(WAIT);
    const first = await caro.waitFor(/<ana> first line$/);
    const index = caro.lines.indexOf(first);
    expect(caro.lines[index + 1]).toMatch(/^ {8,}second line$/);
    expect(await box.inputValue()).toBe("");
  }, SLOW);

  test("Up recalls what was sent; Tab completes nicks, commands and rooms", async () => {
    const box = ana.getByTestId("composer-input");
    await say(ana, "recall me");
    await message(ana, "recall me").waitFor(WAIT);
    await box.press("ArrowUp");
    expect(await box.inputValue()).toBe("recall me");
    await box.press("ArrowUp");
    expect(await box.inputValue()).toBe("first line\nsecond line");
    await box.press("ArrowDown");
    await box.press("ArrowDown");
    expect(await box.inputValue()).toBe("");
    await box.type("be");
    await box.press("Tab");
    expect(await box.inputValue()).toBe("beto: ");
    await box.fill("/jo");
    await box.press("Tab");
    expect(await box.inputValue()).toBe("/join ");
    await box.type("#lob");
    await box.press("Tab");
    expect(await box.inputValue()).toBe("/join #lobby ");
    // Nothing to complete: Tab leaves the box, as everywhere.
    await box.fill("zzz");
    await box.press("Tab");
    expect(await ana.evaluate(() => document.activeElement?.id)).not.toBe("composer-input");
    await box.fill("");
  }, SLOW);

  test("a message over the limit is not sent and not cleared: the box says how much too long it is", async () => {
    const box = ana.getByTestId("composer-input");
    await box.fill("x".repeat(4096 + 5));
    await ana.getByTestId("composer-hint").filter({ hasText: "Too long by 5 characters" }).waitFor(WAIT);
    await box.press("Enter");
    await ana.getByTestId("composer-hint").filter({ hasText: /Too long by 5 characters: nothing was sent/ }).waitFor(WAIT);
    expect(await box.inputValue()).toHaveLength(4101);
    await box.fill("x".repeat(4096));
    await ana.getByTestId("composer-hint").waitFor({ state: "hidden", ...WAIT });
    await box.press("Enter");
    await message(beto, "x".repeat(4096)).waitFor(WAIT);
  }, SLOW);

  test("a mention is highlighted and, while the page is hidden, notified with the count in the title; so is a private message", async () => {
    await ana.evaluate(() => window.__hide(true));
    await say(beto, "@ana are you there?");
    const mention = row(ana, "@ana are you there?");
    await mention.waitFor(WAIT);
    expect(await mention.getAttribute("data-mention")).toBe("true");
    expect(await mention.getAttribute("class")).toContain("msg--mention");
    caro.send("!ana a private word");
    await ana.getByTestId("pm-caro").waitFor(WAIT);
    await ana.waitForFunction(() => window.__notes.length >= 2, undefined, WAIT);
    expect(await ana.evaluate(() => window.__notes)).toEqual([
      { title: "beto in #lobby", body: "@ana are you there?" },
      { title: "caro (private)", body: "a private word" },
    ]);
    expect(await ana.title()).toMatch(/^\(2\) #lobby · chat$/);
    // A message that names nobody notifies nobody.
    await say(beto, "just chatting");
    await message(ana, "just chatting").waitFor(WAIT);
    expect(await ana.evaluate(() => window.__notes.length)).toBe(2);
    await ana.evaluate(() => window.__hide(false));
    await ana.evaluate(() => window.dispatchEvent(new Event("focus")));
    // Back on the page, #lobby is read; caro's private message is not yet.
    await ana.waitForFunction(() => document.title === "(1) #lobby · chat", undefined, WAIT);
  }, SLOW);

  test("scrolled up: a new message gets a divider where reading stopped and a jump-to-latest button", async () => {
    // Coming back to a conversation with nothing unread: no divider.
    await show(ana, "caro");
    await show(ana, "#lobby");
    const log = activeLog(ana);
    expect(await log.getByTestId("new-divider").count()).toBe(0);
    await log.evaluate((e) => (e.scrollTop = 0));
    await ana.getByTestId("jump-latest").waitFor(WAIT);
    await say(beto, "while ana scrolled up");
    await message(ana, "while ana scrolled up").waitFor({ state: "attached", ...WAIT });
    const divider = log.getByTestId("new-divider");
    await divider.waitFor({ state: "attached", ...WAIT });
    expect(await divider.evaluate((d) => d.nextElementSibling?.querySelector("[data-testid=message-text]")?.textContent)).toBe("while ana scrolled up");
    await ana.getByTestId("jump-latest").filter({ hasText: /new message/ }).waitFor(WAIT);
    await ana.getByTestId("jump-latest").click();
    await ana.getByTestId("jump-latest").waitFor({ state: "hidden", ...WAIT });
    expect(await message(ana, "while ana scrolled up").isVisible()).toBe(true);
  }, SLOW);

  test("joins and leaves in a row are one summary line", async () => {
    await say(ana, "/join #club");
    await ana.getByTestId("current-title").filter({ hasText: "#club" }).waitFor(WAIT);
    const names = ["dani", "elena", "fede", "gabi"];
    for (const nick of names) {
      const c = await LineClient.login(server.tcpPort, nick);
      telnet.push(c);
      c.send("/join #club");
      await c.waitFor(/joined #club/);
    }
    const summary = activeLog(ana).getByTestId("presence").filter({ hasText: "dani, elena, fede and 1 other joined #club" });
    await summary.waitFor(WAIT);
    expect(await activeLog(ana).getByTestId("presence").count()).toBe(1);
    expect(await summary.getAttribute("data-count")).toBe("4");
  }, SLOW);

  test("search: words marked, accents aside; a result opens the conversation at that message, older pages loaded", async () => {
    await ana.getByTestId("search-input").fill("cafe");
    await ana.getByTestId("search-submit").click();
    const result = ana.getByTestId("search-result").first();
    await result.waitFor(WAIT);
    expect(await ana.getByTestId("search-result").count()).toBe(1);
    expect(await result.locator("mark").allInnerTexts()).toEqual(["café"]);
    await result.click();
    await ana.getByTestId("search-panel").waitFor({ state: "hidden", ...WAIT });
    const found = row(ana, "Quedamos en el café de la esquina");
    await found.waitFor(WAIT);
    expect(await ana.getByTestId("current-title").innerText()).toBe("#lobby");
    await ana.waitForFunction(() => {
      const node = document.querySelector("[data-testid=messages]:not([hidden]) .msg--found");
      if (!node) return false;
      const box = node.getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }, undefined, WAIT);
    // Its neighbours are there: the next message, and its own day's separator with a date.
    await message(ana, "y traed los apuntes").waitFor(WAIT);
    const labels = await dayLabels(ana);
    expect(labels.slice(-2)).toEqual(["Yesterday", "Today"]);
    expect(labels[0]).not.toMatch(/Today|Yesterday/);
    // The same search on a terminal.
    caro.send("/search CAFE");
    await caro.waitFor(/^--- 1 message matches "CAFE" ---$/);
    await caro.waitFor(/#lobby <olda> Quedamos en el café de la esquina$/);
  }, SLOW);

  test("signed in across tabs; signing out in one signs out the others and ends the token on the server", async () => {
    const tab = await open(ana.context());
    await tab.getByTestId("chat-screen").waitFor(WAIT);
    await tab.getByTestId("user-ana").waitFor({ state: "attached", ...WAIT });
    expect(await tab.getByTestId("login-form").isVisible()).toBe(false);
    const token = await ana.evaluate(() => JSON.parse(localStorage.getItem("chat.session")!).token as string);
    await ana.getByTestId("logout").click();
    await ana.getByTestId("login-form").waitFor(WAIT);
    await tab.getByTestId("login-form").waitFor(WAIT);
    expect(await ana.evaluate(() => localStorage.getItem("chat.session"))).toBeNull();
    // Both tabs' sessions are gone once beto sees ana offline: the server has handled the sign-out.
    await beto.getByTestId("user-ana").waitFor({ state: "detached", ...WAIT });
    // A copy of the token kept elsewhere no longer signs anyone in.
    const answer = await ana.evaluate((t) => new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://${location.host}/ws`);
      ws.onopen = () => ws.send(JSON.stringify({ type: "resume", token: t }));
      ws.onmessage = (e) => {
        const f = JSON.parse(e.data);
        resolve(f.type === "error" ? f.key : f.type);
        ws.close();
      };
    }), token);
    expect(answer).toBe("bad_token");
  }, SLOW);

  test("/quit is not an error, and the page is named after the server", async () => {
    await say(beto, "/quit");
    await beto.getByTestId("login-form").waitFor(WAIT);
    expect(await beto.getByTestId("login-error").isHidden()).toBe(true);
    expect(await beto.title()).toBe("chat");
    const icon = await beto.locator("link[rel=icon]").getAttribute("href");
    expect(icon).toStartWith("data:image/svg+xml");
  }, SLOW);
});
