import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { freshDataDir } from "../template.ts";
import { launchChromium } from "./chromium.ts";
import { LineClient } from "./client.ts";
import { embedded, removeDir, tempDir } from "./harness.ts";
import { signIn } from "./web-login.ts";
import { WsClient } from "./ws-client.ts";

// The web client's header and sidebar in headless Chromium: a room's topic under its name, set
// from a terminal or another client and followed live; and the layout with 200 people online,
// 50 rooms, and the longest room names (32 characters) and nicks (24) the server allows, on a
// desktop and on a phone. Boxes are measured with getBoundingClientRect, not judged by eye.
// SCREENSHOTS=docs/screenshots writes the pictures there (light and dark); otherwise a temp folder.

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const WAIT = { timeout: 15_000 };
const SLOW = 90_000;
/** Setting up may build the test template (once per change to sql/), on a machine others share. */
const SETUP = 240_000;
const PASSWORD = "secret-pw";
const PEOPLE = 200;
const ROOMS = 50;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** The longest nick the server takes (24 characters), numbered. */
const longNick = (i: number) => `Maximiliana_Wolfeschl${String(i).padStart(3, "0")}`;
const SUBJECTS = ["estudiantes-de-informática", "matemáticas-discretas", "redes-de-computadoras", "bases-de-datos-avanzadas",
  "sistemas-operativos", "club-de-lectura-y-escritura", "programación-funcional", "inteligencia-artificial"];
/** The longest room name (32 characters after "#"): a group and a subject, cut off by the sidebar. */
const longRoom = (i: number) => `#${`g${String(i).padStart(2, "0")}-${SUBJECTS[i % SUBJECTS.length]}-curso-2026-2027`.slice(0, 32).replace(/-$/, "x")}`;
const ME = "Anastasia_Papadopoulou_X";
/** A topic near the longest the server allows (300 bytes). */
const LONG_TOPIC = `Exámenes finales: ${"el temario, las fechas y las aulas de cada grupo, ".repeat(6)}`.slice(0, 280).trim();

/** Whatever in the page lies outside the viewport, or makes it scroll sideways: [] when all is well. */
async function overflows(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate((sels) => {
    const out: string[] = [];
    const width = window.innerWidth;
    const doc = document.documentElement;
    if (doc.scrollWidth > width) out.push(`the page scrolls sideways: ${doc.scrollWidth} > ${width}`);
    for (const sel of sels) {
      for (const node of Array.from(document.querySelectorAll(sel)) as HTMLElement[]) {
        const r = node.getBoundingClientRect();
        // Hidden, or in a list scrolled out of view vertically: only the horizontal extent matters.
        if (r.width === 0 && r.height === 0) continue;
        if (r.left < -0.5 || r.right > width + 0.5) out.push(`${sel} "${node.textContent?.slice(0, 40)}" spans ${Math.round(r.left)}–${Math.round(r.right)} of ${width}`);
        // Nothing inside an item sticks out of it (a badge pushed out by a long name, a button out of
        // the status card); the menu's unread badge sits on its button's corner on purpose, and is
        // only kept on the screen.
        const inside = ".badge:not(.topbar__badge), .count, .conv__close, .me button, .me select, .me input, .me__nick";
        for (const child of Array.from(node.querySelectorAll(inside))) {
          const c = child.getBoundingClientRect();
          if (c.width > 0 && (c.right > r.right + 0.5 || c.left < r.left - 0.5)) {
            out.push(`${child.className} "${child.textContent}" spans ${Math.round(c.left)}–${Math.round(c.right)}, out of ${sel} at ${Math.round(r.left)}–${Math.round(r.right)}`);
          }
        }
      }
    }
    return out;
  }, selectors);
}

/** Whether the element's text is cut with an ellipsis (it is longer than its box, and the box says so). */
const ellipsised = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((e) => e.scrollWidth > e.clientWidth && getComputedStyle(e).textOverflow === "ellipsis");

/** Whether the element's text takes a single line. */
const oneLine = (page: Page, selector: string) =>
  page.locator(selector).evaluate((e) => e.getBoundingClientRect().height < parseFloat(getComputedStyle(e).fontSize) * 2);

/** Header buttons and title pieces, and sidebar items: each must lie within the viewport. */
const HEADER = [".topbar", ".topbar button", ".topbar__badge", "#current-title", "#current-topic"];
const SIDEBAR = ["#sidebar", ".me", "#room-list .conv-item", "#browse-list li", "#user-list li", "#pm-list .conv-item"];

describe.skipIf(lacks("chromium"))("web client: topics in the header, and the layout at scale", () => {
  let dataDir = "";
  const shotDir = process.env.SCREENSHOTS ?? tempDir("chat-layout-shots-");
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const telnet: LineClient[] = [];
  const ws: WsClient[] = [];

  const open = async (viewport = DESKTOP) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.httpPort}/`);
    return page;
  };
  const snap = async (page: Page, name: string) => {
    mkdirSync(shotDir, { recursive: true });
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shotDir, `${name}${scheme === "dark" ? "-dark" : ""}.png`) });
    }
    await page.emulateMedia({ colorScheme: "light" });
  };
  /** Logs in an existing account over the protocol, as the web page does. */
  const online = async (nick: string) => {
    const c = await WsClient.open(server.httpPort);
    c.send({ type: "login", nick, password: PASSWORD });
    await c.waitFor((f) => f.type === "room", { timeout: 30_000 });
    return c;
  };
  const topic = (page: Page) => page.getByTestId("current-topic");
  const show = async (page: Page, room: string) => {
    await page.getByTestId(`room-${room}`).getByRole("button").first().click();
    await page.getByTestId("current-title").filter({ hasText: room }).waitFor(WAIT);
  };

  beforeAll(async () => {
    dataDir = await freshDataDir();
    // Loopback is exempt from the per-address throttles in tests (harness.ts); the cap is raised
    // too, for whoever reads the config. The password-check queue is shared by every address: 200
    // logins in a few seconds would overrun its default 10 s, on a machine others share.
    server = await embedded.start(dataDir, {
      serverName: "acme chat",
      limits: { maxConnectionsPerAddress: 1000, maxConcurrentHashes: 8, hashQueueSeconds: 120, hashQueuePerAddress: 1000 },
    });
    browser = await launchChromium(CHROMIUM_ARGS);
  }, SETUP);

  afterAll(async () => {
    for (const c of telnet) c.close();
    for (const c of ws) c.close();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await server?.stop();
    await embedded.cleanup();
    if (dataDir) removeDir(dataDir);
  }, SLOW);

  test("a room's topic shows under its name; a change from a terminal or another client follows live", async () => {
    const ana = await open();
    await signIn(ana, "ana", PASSWORD, WAIT);
    const caro = await LineClient.login(server.tcpPort, "caro");
    telnet.push(caro);
    caro.send("/join #plans");
    await caro.waitFor(/#plans/);
    caro.send("/topic exams on Friday");
    await caro.waitFor(/set the topic of #plans/);

    // Joining a room that has a topic shows it under the room's name.
    await ana.getByTestId("new-room").fill("#plans");
    await ana.getByTestId("new-room-submit").click();
    await ana.getByTestId("current-title").filter({ hasText: "#plans" }).waitFor(WAIT);
    await topic(ana).filter({ hasText: /^exams on Friday$/ }).waitFor(WAIT);

    // The terminal user changes it: the header follows, with no reload.
    caro.send("/topic moved to Monday");
    await topic(ana).filter({ hasText: /^moved to Monday$/ }).waitFor(WAIT);

    // A WebSocket client (another app) clears it: the line goes.
    const dora = await WsClient.login(server.httpPort, "dora");
    ws.push(dora);
    dora.send({ type: "join", room: "#plans" });
    await dora.waitFor((f) => f.type === "room" && f.room === "#plans");
    dora.send({ type: "line", text: "/topic -", to: "#plans" });
    await topic(ana).waitFor({ state: "hidden", ...WAIT });

    // A room the page is not showing: its topic is kept for when it is shown, not put on this one.
    dora.send({ type: "line", text: `/topic ${LONG_TOPIC}`, to: "#lobby" });
    await ana.getByTestId("messages").filter({ hasText: "dora set the topic of #lobby" }).waitFor({ state: "attached", ...WAIT });
    expect(await topic(ana).isHidden()).toBe(true);
    await show(ana, "#lobby");
    await topic(ana).filter({ hasText: LONG_TOPIC }).waitFor(WAIT);
    await show(ana, "#plans");
    await topic(ana).waitFor({ state: "hidden", ...WAIT });

    // After a reload the topic comes with the room list: nothing needs to be said again.
    await show(ana, "#lobby");
    await ana.reload();
    await ana.getByTestId("current-title").filter({ hasText: "#lobby" }).waitFor(WAIT);
    await topic(ana).filter({ hasText: LONG_TOPIC }).waitFor(WAIT);

    // /rooms draws every room with its topic.
    await ana.getByTestId("composer-input").fill("/rooms");
    await ana.getByTestId("composer-input").press("Enter");
    await ana.getByTestId("data-rooms").getByText(LONG_TOPIC).waitFor(WAIT);

    // A long topic is cut with an ellipsis, whole in its tooltip, and pushes nothing out.
    expect(await ellipsised(ana, "current-topic")).toBe(true);
    expect(await topic(ana).getAttribute("title")).toBe(LONG_TOPIC);
    expect(await overflows(ana, HEADER)).toEqual([]);
    // Nor squeezes the server's name onto two lines.
    expect(await oneLine(ana, "#server-name")).toBe(true);
    await snap(ana, "topic");

    // The same on a phone.
    const phone = await open(PHONE);
    await signIn(phone, "ana", PASSWORD, WAIT);
    // On a phone the room list is in the drawer; picking a room closes it.
    await phone.getByTestId("sidebar-toggle").click();
    await show(phone, "#lobby");
    await topic(phone).filter({ hasText: LONG_TOPIC }).waitFor(WAIT);
    expect(await ellipsised(phone, "current-topic")).toBe(true);
    expect(await overflows(phone, HEADER)).toEqual([]);
    await snap(phone, "phone-topic");
  }, SLOW * 2);

  test("200 people online, 50 rooms, the longest names: nothing leaves the screen, on a desktop or a phone", async () => {
    const store = server.store;
    // Accounts made in the store with a cheap hash: 200 argon2 hashes at the default cost would be
    // most of the test. Logging in still checks each password, through the protocol.
    const hash = await Bun.password.hash(PASSWORD, { algorithm: "argon2id", memoryCost: 64, timeCost: 1 });
    const me = await store.createUser(ME, hash);
    const rooms = Array.from({ length: ROOMS + 6 }, (_, i) => longRoom(i + 1));
    for (const name of rooms) expect([...name.slice(1)].length).toBe(32);
    const people = Array.from({ length: PEOPLE }, (_, i) => longNick(i + 1));
    for (const nick of [...people, ME]) expect([...nick].length).toBe(24);
    // An account made in the store is in no room yet: the lobby, where everyone else comes.
    await store.join(me.id, (await store.ensureRoom("#lobby", null)).id);
    const ids = [];
    for (const nick of people) ids.push((await store.createUser(nick, hash)).id);
    for (const [i, name] of rooms.entries()) {
      const room = await store.ensureRoom(name, me.id);
      // The user is in the first 50; the last few are other people's, to browse.
      if (i < ROOMS) await store.join(me.id, room.id);
      await store.join(ids[i % 3]!, room.id);
    }

    // Everyone comes online through the protocol, in batches, as a class would.
    for (let i = 0; i < people.length; i += 20) {
      ws.push(...(await Promise.all(people.slice(i, i + 20).map((nick) => online(nick)))));
    }
    // The first three are in the rooms, not the lobby; the others talk in the lobby.
    const [, second, third, ...lobby] = ws.slice(-PEOPLE);
    lobby[0]!.send({ type: "say", to: "#lobby", text: "¿Alguien tiene los apuntes del martes? Los de la clase de redes, con los ejercicios resueltos" });
    lobby[1]!.send({ type: "say", to: "#lobby", text: `@${longNick(4)} te los paso luego` });
    lobby[2]!.send({ type: "me", to: "#lobby", action: "sube el enunciado de la práctica 3 a la carpeta compartida" });
    second!.send({ type: "say", to: rooms[1], text: `@${ME} ¿me pasas el enlace del proyecto?` });
    third!.send({ type: "say", to: rooms[2], text: "Subido el enunciado de la práctica 3" });

    const desktop = await open();
    await signIn(desktop, ME, PASSWORD, WAIT);
    await desktop.getByTestId(`room-${rooms[ROOMS - 1]}`).waitFor(WAIT);
    await desktop.getByTestId(`browse-${rooms[ROOMS]}`).waitFor({ state: "attached", ...WAIT });
    await show(desktop, "#lobby");
    // Everyone online is listed (the 200, the user, and whoever an earlier test left online).
    const everyone = (page: Page) => page.waitForFunction((n) => document.querySelectorAll("#user-list li").length >= n, PEOPLE + 1, WAIT);
    await everyone(desktop);
    await desktop.getByTestId(`mentions-${rooms[1]}`).waitFor({ state: "attached", ...WAIT });
    await desktop.getByText("sube el enunciado").waitFor(WAIT);
    await desktop.getByTestId("composer-input").fill("Los subo esta tarde");
    expect(await desktop.locator("#room-list .conv-item").count()).toBe(ROOMS + 1);
    await desktop.locator("#sidebar").evaluate((e) => (e.scrollTop = 0));
    await snap(desktop, "crowd-desktop");
    // The sidebar's lists scroll within it; the page itself never scrolls sideways.
    expect(await overflows(desktop, [...HEADER, ...SIDEBAR])).toEqual([]);
    // Scrolled to the end of the sidebar: the last people and rooms fit too.
    await desktop.locator("#sidebar").evaluate((e) => (e.scrollTop = e.scrollHeight));
    expect(await overflows(desktop, [...HEADER, ...SIDEBAR])).toEqual([]);
    await snap(desktop, "crowd-desktop-people");

    const phone = await open(PHONE);
    await signIn(phone, ME, PASSWORD, WAIT);
    await phone.getByTestId("current-title").filter({ hasText: "#lobby" }).waitFor(WAIT);
    await everyone(phone);
    expect(await overflows(phone, HEADER)).toEqual([]);
    await snap(phone, "crowd-phone");
    await phone.getByTestId("sidebar-toggle").click();
    await phone.waitForFunction(() => getComputedStyle(document.getElementById("sidebar")!).transform === "none");
    expect(await overflows(phone, SIDEBAR)).toEqual([]);
    await snap(phone, "crowd-phone-sidebar");
    // A room with the longest name, shown: its name is cut in the header, not the buttons.
    await phone.getByTestId(`room-${rooms[ROOMS - 1]}`).getByRole("button").first().click();
    await phone.getByTestId("current-title").filter({ hasText: rooms[ROOMS - 1]! }).waitFor(WAIT);
    await phone.waitForFunction(() => getComputedStyle(document.getElementById("sidebar")!).visibility === "hidden");
    expect(await overflows(phone, HEADER)).toEqual([]);
  }, SETUP);
});
