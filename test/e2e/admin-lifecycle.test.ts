import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { embeddedStore } from "../../server/store/pglite.ts";
import { adminServer } from "./admin-kit.ts";
import { LineClient } from "./client.ts";
import { LOOPBACK } from "./harness.ts";
import { admin, MAIN } from "./server-process.ts";

// `chat admin` driving one real server process through its lifecycle: the MOTD, the log, reload,
// restart and stop. The tests run in order on the same server: the restart finds the MOTD and the
// name set before it, and stop comes last.
describe("chat admin: the server's lifecycle", () => {
  const kit = adminServer();
  const { dir, dataDir, configPath, config, cli, url, token } = kit;
  const server = () => kit.server;

  test("motd shows, sets (shown at the next login) and resets the message of the day", async () => {
    expect((await cli("motd")).stdout).toBe("MOTD (from the config):\n  Config MOTD\n");
    expect((await cli("motd", "Be", "kind\\nNo", "spam")).stdout).toBe("MOTD is now (set with chat admin):\n  Be kind\n  No spam\n");
    const c = await LineClient.open(server().tcpPort);
    await c.waitForText("Nickname: ");
    expect(c.text).toContain("Be kind\nNo spam");
    c.close();
    expect((await cli("motd", "--reset")).stdout).toBe("MOTD is now (from the config):\n  Config MOTD\n");
    expect((await cli("motd", "Kept across restarts")).code).toBe(0);
  });

  test("log shows the last lines and follows new ones", async () => {
    const last = await cli("log", "-n", "2");
    expect(last.code).toBe(0);
    const lines = last.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d INFO  admin method=PUT path=\/admin\/motd remote=127\.0\.0\.1 status=200$/);
    const json = (await cli("log", "-n", "1", "--json")).stdout;
    expect(JSON.parse(json)).toMatchObject({ level: "info", event: "admin", method: "GET", path: "/admin/log" });

    const follow = Bun.spawn([process.execPath, MAIN, "admin", "--config", configPath, "log", "-f", "-n", "0"], {
      cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" },
    });
    const reader = follow.stdout.getReader();
    let seen = "";
    const until = async (re: RegExp) => {
      while (!re.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`log -f ended: ${seen}`);
        seen += new TextDecoder().decode(value);
      }
    };
    // Its own call is the first line it follows; anything after that must show up too.
    await until(/admin method=GET path=\/admin\/log/);
    const visitor = await LineClient.open(server().tcpPort);
    await until(/INFO  connect transport=tcp remote=127\.0\.0\.1:\d+\n/);
    visitor.close();
    follow.kill("SIGINT");
    expect(await follow.exited).toBe(0);
  });

  test("reload applies the name and limits live and lists what needs a restart", async () => {
    writeFileSync(configPath, JSON.stringify({ ...config, serverName: "club", limits: { exemptAddresses: LOOPBACK, historyDefault: 5 }, log: { files: 3 } }));
    const r = await cli("reload");
    expect(r).toEqual({
      code: 0,
      stdout: "Applied now: serverName, limits.historyDefault\nNeeds a restart (chat admin restart): log\n",
      stderr: "",
    });
    const c = await LineClient.open(server().tcpPort);
    await c.waitForText("Welcome to club");
    c.close();
    // Applied once; the log change still waits for a restart.
    expect((await cli("reload")).stdout).toBe("Needs a restart (chat admin restart): log\n");
    // The server refuses a broken config and keeps running on the one it has.
    writeFileSync(configPath, JSON.stringify({ ...config, serverName: "club", limits: { exemptAddresses: LOOPBACK, historyDefault: 5 }, tpyo: 1 }));
    try {
      const bad = await admin(dir, ["--url", url(), "--token", token(), "reload"]);
      expect(bad).toEqual({ code: 1, stdout: "", stderr: `Config ${configPath}: unknown key "tpyo"\n` });
    } finally {
      writeFileSync(configPath, JSON.stringify({ ...config, serverName: "club" }));
    }
  });

  test("restart with a broken config is refused with its error, and the server keeps serving", async () => {
    writeFileSync(configPath, JSON.stringify({ ...config, serverName: "club", tpyo: 1 }));
    try {
      const bad = await admin(dir, ["--url", url(), "--token", token(), "restart"]);
      expect(bad).toEqual({ code: 1, stdout: "", stderr: `Config ${configPath}: unknown key "tpyo"\n` });
    } finally {
      writeFileSync(configPath, JSON.stringify({ ...config, serverName: "club" }));
    }
    const hugo = await LineClient.login(server().tcpPort, "hugo", "pw-hugo-long");
    const status = await cli("status", "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ usersOnline: 1, store: { healthy: true } });
    hugo.close();
    expect(server().proc.exitCode).toBeNull();
  });

  test("restart tells users, keeps every message and the MOTD, and takes logins again", async () => {
    const fede = await LineClient.login(server().tcpPort, "fede", "pw-fede-long");
    for (let i = 0; i < 20; i++) fede.send(`before restart ${i}`);
    await fede.waitFor(/<fede> before restart 19$/);
    const before = JSON.parse((await cli("status", "--json")).stdout);

    const r = await cli("restart");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Restarted in \d+ ms; users can log in again\n$/);
    await fede.waitFor(/^\*\*\* The server is restarting; log in again in a moment$/);
    await fede.waitClosed();

    const after = JSON.parse((await cli("status", "--json")).stdout);
    expect(after.startedAt).not.toBe(before.startedAt);
    expect(after.messagesStored).toBe(before.messagesStored);
    const again = await LineClient.login(server().tcpPort, "fede", "pw-fede-long");
    expect(again.text).toContain("Kept across restarts");
    expect(again.text).toContain("Welcome to club");
    again.send("/history 20");
    await again.waitFor(/<fede> before restart 0$/);
    await again.waitFor(/<fede> before restart 19$/);
    again.close();
  });

  test("stop stores the messages sent in the last moment and exits 0", async () => {
    const gus = await LineClient.login(server().tcpPort, "gus", "pw-gus-long");
    const before = JSON.parse((await cli("status", "--json")).stdout).messagesStored;
    const burst = Array.from({ length: 300 }, (_, i) => `last moment ${i}`);
    gus.write(burst.map((l) => l + "\r\n").join(""));
    await gus.waitFor(/<gus> last moment 0$/);
    const r = await cli("stop");
    expect(r).toEqual({ code: 0, stdout: "Stopped\n", stderr: "" });
    expect(await server().proc.exited).toBe(0);
    await gus.waitFor(/^\*\*\* The server is stopping$/);
    expect(server().output()).toContain('"event":"stopped"');

    const store = await embeddedStore(dataDir);
    try {
      expect(await store.countMessages()).toBe(before + 300);
    } finally {
      await store.close();
    }
    gus.close();
  });
});
