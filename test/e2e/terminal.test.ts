// The real `telnet` and `nc` clients in tmux: what a person at a terminal sees while typing.
import { afterAll, describe, expect, test } from "bun:test";
import { lacks } from "../needs.ts";
import { LineClient } from "./client.ts";
import { embedded, serverFixture } from "./harness.ts";
import { TmuxPane } from "./tmux.ts";

const panes: TmuxPane[] = [];
afterAll(async () => {
  for (const p of panes) await p.close();
});

/** A telnet client in tmux, logged in as `nick` (the account is created). */
async function telnetAs(port: number, nick: string, width = 60, height = 20): Promise<TmuxPane> {
  const pane = await TmuxPane.start(["telnet", "127.0.0.1", String(port)], width, height);
  panes.push(pane);
  await pane.waitFor("Nickname:");
  await pane.type(nick);
  await pane.press("Enter");
  for (const prompt of ["New password:", "Repeat password:"]) {
    await pane.waitFor(prompt);
    await pane.type("secret-pw");
    await pane.press("Enter");
  }
  await pane.waitFor(/^> $|^>$/);
  return pane;
}

const last = (rows: string[]) => rows.at(-1) ?? "";

describe.skipIf(lacks("tmux", "telnet"))("telnet in a real terminal", () => {
  const fx = serverFixture(embedded);

  test("a half-typed line stays intact on the last row while others talk, and is shown once when sent", async () => {
    const pane = await telnetAs(fx.server.tcpPort, "ana");
    const beto = fx.keep(await LineClient.login(fx.server.tcpPort, "beto"));
    await pane.type("Hi everyone, I wanted to ask whether");
    await pane.waitFor("> Hi everyone, I wanted to ask whether");
    for (const n of [1, 2, 3]) beto.send(`message ${n} from beto`);
    const rows = await pane.waitFor("<beto> message 3 from beto");
    expect(last(rows)).toBe("> Hi everyone, I wanted to ask whether");
    expect(rows.slice(-4, -1).map((r) => r.replace(/^\[\d\d:\d\d\] /, ""))).toEqual([
      "<beto> message 1 from beto", "<beto> message 2 from beto", "<beto> message 3 from beto",
    ]);
    expect(await pane.cursor()).toEqual([38, rows.length - 1]);
    await pane.type(" the homework is chapter 3");
    await pane.press("Enter");
    await beto.waitFor(/<ana> Hi everyone, I wanted to ask whether the homework is chapter 3$/);
    const after = await pane.waitFor("<ana> Hi everyone");
    expect(after.filter((r) => r.includes("Hi everyone")).length).toBe(1);
    expect(last(after)).toBe(">");
  });

  test("editing keys: history, Tab completion, backspace over a CJK character, Ctrl-C", async () => {
    const pane = await telnetAs(fx.server.tcpPort, "caro");
    const dani = fx.keep(await LineClient.login(fx.server.tcpPort, "dani"));
    await pane.type("first line");
    await pane.press("Enter");
    await dani.waitFor(/<caro> first line$/);
    // Up brings the line back; Left and an insertion edit it in the middle.
    await pane.press("Up", "Left", "Left", "Left", "Left");
    await pane.type("X");
    await pane.press("Enter");
    await dani.waitFor(/<caro> first Xline$/);
    await pane.type("da");
    await pane.press("Tab");
    await pane.waitFor("> dani:");
    await pane.type("日本");
    await pane.press("BSpace", "Enter");
    await dani.waitFor(/<caro> dani: 日$/);
    await pane.type("junk");
    await pane.press("C-c");
    await pane.until((rows) => last(rows) === ">", "the line cleared");
    await pane.type("/jo");
    await pane.press("Tab");
    await pane.type("#dev");
    await pane.press("Enter");
    await pane.waitFor("You joined #dev");
    expect(dani.text).not.toContain("junk");
  });

  test("a password prompt is not overwritten by chat and shows nothing typed", async () => {
    const pane = await telnetAs(fx.server.tcpPort, "eva");
    const fede = fx.keep(await LineClient.login(fx.server.tcpPort, "fede"));
    await pane.type("/password");
    await pane.press("Enter");
    await pane.waitFor("Current password:");
    await pane.type("secr");
    fede.send("talking over your prompt");
    const rows = await pane.waitFor("<fede> talking over your prompt");
    expect(last(rows)).toBe("Current password:");
    await pane.type("et-pw");
    await pane.press("Enter");
    // "New password:" is on the screen already, from the account's creation: wait for the prompt itself.
    await pane.until((r) => last(r) === "New password:", "the new password prompt");
    expect((await pane.screen()).join("\n")).not.toContain("secret-pw");
    await pane.type("new-secret");
    await pane.press("Enter");
    await pane.waitFor("Repeat new password:");
    await pane.type("new-secret");
    await pane.press("Enter");
    await pane.waitFor(/[Pp]assword changed/);
  });

  test("/set editor off gives the line back to the client, and is kept for the next login", async () => {
    const pane = await telnetAs(fx.server.tcpPort, "lola");
    const memo = fx.keep(await LineClient.login(fx.server.tcpPort, "memo"));
    await pane.type("/set editor off");
    await pane.press("Enter");
    await pane.waitFor("editor off");
    // telnet echoes for itself again: what is typed shows before Enter, with no "> " prompt.
    await pane.type("typed in line mode");
    const rows = await pane.waitFor("typed in line mode");
    expect(last(rows)).toBe("typed in line mode");
    await pane.press("Enter");
    await memo.waitFor(/<lola> typed in line mode$/);

    const again = await TmuxPane.start(["telnet", "127.0.0.1", String(fx.server.tcpPort)], 60, 20);
    panes.push(again);
    await again.waitFor("Nickname:");
    await again.type("lola");
    await again.press("Enter");
    await again.waitFor("Password:");
    await again.type("secret-pw");
    await again.press("Enter");
    await again.waitFor("--- end ---");
    await again.type("/motd");
    await again.press("Enter");
    // The MOTD twice: the banner's, then the one /motd asked for.
    const after = await again.until((r) => r.filter((l) => l.includes("Welcome! Type /help")).length === 2, "the MOTD again");
    expect(after.filter((r) => r.startsWith(">"))).toEqual([]);
  });

  test("a resized window (NAWS) changes where the server's lines wrap", async () => {
    // Tall enough for all of /help at 40 columns.
    const pane = await telnetAs(fx.server.tcpPort, "gabi", 80, 100);
    await pane.resize(40, 100);
    await pane.type("/help");
    await pane.press("Enter");
    // Joined rows undo tmux's own wrapping: only the server's line ends are left.
    const rows = await pane.until((r) => r.some((l) => l.includes("//text")), "the help's footer", { joined: true });
    // The last rows are all help (the title has scrolled off at this width).
    const help = rows.slice(-60);
    expect(help.some((r) => r.startsWith("  /join"))).toBe(true);
    for (const row of help) expect(Bun.stringWidth(row)).toBeLessThanOrEqual(40);
  });
});

describe.skipIf(lacks("tmux", "nc"))("nc in a real terminal", () => {
  const fx = serverFixture(embedded);

  test("arrow keys typed into a line send nothing to the room", async () => {
    const hugo = fx.keep(await LineClient.login(fx.server.tcpPort, "hugo"));
    const pane = await TmuxPane.start(["nc", "127.0.0.1", String(fx.server.tcpPort)], 80, 20);
    panes.push(pane);
    await pane.waitFor("Nickname:");
    await pane.type("ines");
    await pane.press("Enter");
    for (const prompt of ["New password:", "Repeat password:"]) {
      await pane.waitFor(prompt);
      await pane.type("secret-pw");
      await pane.press("Enter");
    }
    await pane.waitFor("--- end ---");
    await pane.type("a");
    await pane.press("Up", "Left", "Left", "F1");
    await pane.type("b");
    await pane.press("Enter");
    const line = await hugo.waitFor(/<ines> /);
    expect(line).toMatch(/<ines> ab$/);
  });
});
