import { chromium, type Browser } from "playwright-core";
import { CHROMIUM } from "../needs.ts";

// playwright's chromium.launch() talks to the browser over two extra stdio pipes (fds 3 and 4).
// Bun 1.3 closes the parent's ends of those twice: when the browser exits, and again, by number,
// when the ChildProcess is garbage-collected (oven-sh/bun#30444, microsoft/playwright#42692). A
// late second close hits whatever has reused the numbers: in a full run it was the data files of
// the next test's embedded database, whose PGlite then failed to close (ErrnoError 8, EBADF).
// So close() collects garbage at once, while the numbers are still free. (Connecting to a
// browser over a WebSocket instead, with connect or connectOverCDP, hangs under Bun 1.3.)

/** Headless Chromium from the system; close() also runs the finalizer that closes the pipes again. */
export async function launchChromium(args: string[]): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    await close(options);
    Bun.gc(true);
  };
  return browser;
}
