// `chat connect` in a real terminal (tmux): the client in the same binary, over WebSocket.
import { afterAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../server/serve.ts";
import { lacks } from "../needs.ts";
import { LineClient } from "./client.ts";
import { embedded, removeDir, tempDir } from "./harness.ts";
import { freePort, MAIN } from "./server-process.ts";
import { TmuxPane } from "./tmux.ts";

describe.skipIf(lacks("tmux"))("chat connect", () => {
  const dir = tempDir();
  const open: { close(): unknown }[] = [];
  let server: RunningServer | undefined;
  afterAll(async () => {
    for (const c of open) await c.close();
    await server?.stop();
    removeDir(dir);
  });

  test("survives a server restart: nothing missed, nothing twice, and the terminal is given back", async () => {
    const httpPort = freePort();
    server = await embedded.start(dir, { httpPort });
    // After the client exits, the shell prints its status and the terminal's mode.
    const script = `'${process.execPath}' '${MAIN}' connect 127.0.0.1:${httpPort}; echo EXIT=$?; stty -a`;
    const pane = await TmuxPane.start(["sh", "-c", script], 100, 40);
    open.push(pane);
    await pane.waitFor("Nickname:");
    await pane.type("jan");
    await pane.press("Enter");
    await pane.waitFor("Password:");
    await pane.type("secret-pw");
    await pane.press("Enter");
    // A new nick: the account is made once the password is typed twice.
    await pane.waitFor("Repeat password:");
    await pane.type("secret-pw");
    await pane.press("Enter");
    await pane.waitFor("--- end ---");

    const kim = await LineClient.login(server.tcpPort, "kim");
    open.push(kim);
    kim.send("before the restart");
    await pane.waitFor("<kim> before the restart");

    await server.stop();
    server = undefined;
    await pane.waitFor("reconnecting");
    server = await embedded.start(dir, { httpPort });
    const kim2 = await LineClient.login(server.tcpPort, "kim");
    open.push(kim2);
    // Said while the client may still be away: it gets them when it resumes, or live.
    kim2.send("during one");
    kim2.send("during two");
    await pane.waitFor("<kim> during two", 30_000);
    await pane.waitFor("Reconnected", 30_000);
    await pane.type("back again");
    await pane.press("Enter");
    await kim2.waitFor(/<jan> back again$/);
    kim2.send("after it");
    const rows = await pane.waitFor("<kim> after it");
    for (const text of ["<kim> before the restart", "<kim> during one", "<kim> during two", "<jan> back again", "<kim> after it"]) {
      expect({ text, times: rows.filter((r) => r.includes(text)).length }).toEqual({ text, times: 1 });
    }

    await pane.type("/quit");
    await pane.press("Enter");
    await pane.waitFor("EXIT=0");
    const mode = (await pane.waitFor(/\bicanon\b/)).join(" ");
    // Canonical mode and echo are back on: raw mode did not outlive the client.
    expect(mode).toMatch(/(^|\s)icanon(\s|$)/);
    expect(mode).toMatch(/(^|\s)echo(\s|$)/);
  });
});
