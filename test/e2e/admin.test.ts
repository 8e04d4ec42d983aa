import { describe, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { adminServer } from "./admin-kit.ts";
import { LineClient } from "./client.ts";
import { admin, freePort } from "./server-process.ts";

// `chat admin` against one real server process: the token, status and users, and the commands
// that act on people (kick, ban, accounts). The server's own lifecycle (motd, log, reload,
// restart, stop) is admin-lifecycle.test.ts, on a server of its own.
describe("chat admin against a running server", () => {
  const kit = adminServer();
  const { dir, dataDir, configPath, cli, url, token } = kit;
  const server = () => kit.server;

  test("the token file is private, and calls without it are refused with 401 and nothing else", async () => {
    expect(statSync(join(dataDir, "admin.token")).mode & 0o777).toBe(0o600);
    expect(token()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const refused: Record<string, string>[] = [{}, { authorization: "Bearer wrong-token" }, { authorization: `Basic ${token()}` }];
    for (const headers of refused) {
      for (const path of ["/admin/status", "/admin/users", "/admin/nope"]) {
        const res = await fetch(url() + path, { headers });
        expect(res.status).toBe(401);
        expect(await res.text()).toBe('{"error":"Unauthorized"}');
      }
    }
    const stop = await fetch(url() + "/admin/stop", { method: "POST", headers: { authorization: "Bearer nope" } });
    expect(stop.status).toBe(401);

    const wrong = await admin(dir, ["--url", url(), "--token", "not-the-token", "status"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe("");
    expect(wrong.stderr).toBe(`The server at ${url()} refused the admin token (401); check --token, admin.token or <dataDir>/admin.token\n`);
    const log = await cli("log", "-n", "3");
    expect(log.stdout).toMatch(/admin refused .*path=\/admin\/status .*reason=wrong token/);
  });

  test("a refused path with terminal escapes in it is logged, and log prints them escaped", async () => {
    const res = await fetch(url() + "/admin/%1b%5b2J%c2%9b%e2%80%ae");
    expect(res.status).toBe(401);
    const log = await cli("log", "-n", "3");
    expect(log.code).toBe(0);
    expect(log.stdout).toContain("admin refused method=GET path=/admin/\\u001b[2J\\u009b\\u202e remote=127.0.0.1 reason=no token\n");
    expect(log.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    // --json is the record as it is, for scripts.
    const json = (await cli("log", "-n", "3", "--json")).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(json.map((r) => r.path)).toContain("/admin/\x1b[2J\x9b\u202e");
  });

  test("an unreachable server is one line naming the address, and exit 1", async () => {
    const port = freePort();
    const r = await admin(dir, ["--url", `http://127.0.0.1:${port}`, "--token", "x".repeat(20), "status"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`Cannot reach chat admin API at http://127.0.0.1:${port}: connection refused\n`);
  });

  test("status, users and announce over two telnet users", async () => {
    const ana = await LineClient.login(server().tcpPort, "ana", "pw-ana-long");
    const beto = await LineClient.login(server().tcpPort, "beto", "pw-beto-long");
    beto.send("/join #dev");
    await beto.waitFor(/You joined #dev/);
    ana.send("hola");
    await ana.waitFor(/<ana> hola$/);

    const status = await cli("--json", "status");
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({
      version: pkg.version,
      store: { kind: "embedded", healthy: true },
      connections: { tcp: 2, ws: 0 },
      usersOnline: 2,
      rooms: { total: 2, occupied: 2 },
      messagesStored: 1,
    });
    expect(s.messagesPerSecond).toBe(Math.round((1 / 60) * 100) / 100);
    const text = (await cli("status")).stdout;
    expect(text).toContain(`server        chat ${pkg.version} at ${url()}\n`);
    expect(text).toContain("store         embedded, healthy\n");
    expect(text).toContain("connections   2 (tcp 2, ws 0)\n");
    expect(text).toContain("users online  2\n");
    expect(text).toContain("rooms         2 (2 with users)\n");
    expect(text).toContain("messages      1 stored, 0.02/s over the last minute\n");

    const users = JSON.parse((await cli("users", "--json")).stdout);
    expect(users.map((u: Record<string, string>) => [u.nick, u.status, u.room, u.transport])).toEqual([
      ["ana", "available", "#lobby", "tcp"],
      ["beto", "available", "#dev", "tcp"],
    ]);
    expect(users[0].remote).toMatch(/^127\.0\.0\.1:\d+$/);
    const table = (await cli("users")).stdout.split("\n");
    expect(table[0]).toMatch(/^NICK +STATUS +ROOM +TRANSPORT +ADDRESS +CONNECTED$/);
    expect(table[1]).toMatch(/^ana +available +#lobby +tcp +127\.0\.0\.1:\d+ +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+s ago\)$/);

    const said = await cli("announce", "Maintenance", "at", "noon");
    expect(said).toEqual({ code: 0, stdout: "Announced to 2 sessions\n", stderr: "" });
    await ana.waitFor(/^\*\*\* Announcement: Maintenance at noon$/);
    await beto.waitFor(/^\*\*\* Announcement: Maintenance at noon$/);
    ana.close();
    beto.close();
  });

  test("kick closes every session of the user and tells their room why", async () => {
    const caro = await LineClient.login(server().tcpPort, "caro", "pw-caro-long");
    const caro2 = await LineClient.login(server().tcpPort, "caro", "pw-caro-long");
    const dani = await LineClient.login(server().tcpPort, "dani", "pw-dani-long");
    const r = await cli("kick", "CARO", "flooding", "the", "room");
    expect(r).toEqual({ code: 0, stdout: "Kicked CARO (2 sessions closed)\n", stderr: "" });
    await caro.waitFor(/^\*\*\* Error: You were kicked: flooding the room$/);
    await caro.waitClosed();
    await caro2.waitClosed();
    await dani.waitFor(/^\*\*\* caro went offline \(kicked: flooding the room\)$/);
    expect(JSON.parse((await cli("users", "--json")).stdout).map((u: { nick: string }) => u.nick)).toEqual(["dani"]);

    const again = await cli("kick", "caro");
    expect(again).toEqual({ code: 1, stdout: "", stderr: "caro is not online\n" });
    dani.close();
  });

  test("ban kicks, refuses telnet logins until unban, and bans lists it", async () => {
    const eva = await LineClient.login(server().tcpPort, "eva", "pw-eva-long");
    const r = await cli("ban", "eva", "2h", "being", "rude");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Banned eva until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(being rude\); 1 session kicked\n$/);
    await eva.waitFor(/^\*\*\* Error: You are banned until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(being rude\)$/);
    await eva.waitClosed();

    const retry = await LineClient.open(server().tcpPort);
    await retry.waitForText("Nickname: ");
    retry.send("Eva");
    await retry.waitFor(/\*\*\* Error: You are banned until .* UTC \(being rude\)$/);
    await retry.waitClosed();
    expect(retry.text).not.toContain("Password:");

    const forever = await cli("ban", "caro");
    expect(forever).toEqual({ code: 0, stdout: "Banned caro until unbanned\n", stderr: "" });
    const list = (await cli("bans")).stdout.split("\n");
    expect(list[0]).toMatch(/^NICK +UNTIL +REASON +BY +SINCE$/);
    expect(list[1]).toMatch(/^caro +unbanned +- +admin +\d{4}-/);
    expect(list[2]).toMatch(/^eva +\d{4}-\d\d-\d\d \d\d:\d\d UTC +being rude +admin +\d{4}-/);
    expect(list).toHaveLength(4);

    expect(await cli("ban", "nobody")).toEqual({ code: 1, stdout: "", stderr: 'No user named "nobody"\n' });
    // A mistyped duration is an error with usage, never a ban until unban; compound ones work.
    const listed = await cli("accounts", "eva");
    expect(listed.stdout).toMatch(/^NICK +CREATED +LAST SEEN +MESSAGES +BANNED\neva +\d{4}-/);
    expect((await cli("accounts", "--collisions")).stdout).toBe("No look-alike accounts\n");
    const typo = await cli("ban", "eva", "5x", "typo");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/^Bad duration "5x": .*Usage: chat admin ban/);
    expect((await cli("bans")).stdout).not.toContain("typo");
    expect((await cli("ban", "eva", "1d2h")).stdout).toMatch(/^Banned eva until \d{4}-/);
    expect(await cli("unban", "eva")).toEqual({ code: 0, stdout: "Unbanned eva\n", stderr: "" });
    expect(await cli("unban", "eva")).toEqual({ code: 1, stdout: "", stderr: "eva is not banned\n" });
    const back = await LineClient.login(server().tcpPort, "eva", "pw-eva-long");
    back.close();
    expect(JSON.parse((await cli("bans", "--json")).stdout).map((b: { nick: string }) => b.nick)).toEqual(["caro"]);
  });

  test("password, rename and delete manage accounts; a deleted user's messages stay, from [deleted]", async () => {
    const ivo = await LineClient.login(server().tcpPort, "ivo", "pw-ivo-first");
    ivo.send("hello from ivo");
    await ivo.waitFor(/<ivo> hello from ivo$/);
    const generated = await cli("password", "ivo");
    const password = /^New password for ivo: (\S{16})\n$/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();
    // The user's sessions end: they log in again with the new password.
    await ivo.waitFor(/Your account was changed by the operator; log in again/);
    await ivo.waitClosed();
    const back = await LineClient.login(server().tcpPort, "ivo", password!);
    expect(back.text).not.toContain("new nick");
    expect(await cli("rename", "ivo", "ivan")).toEqual({ code: 0, stdout: "Renamed ivo to ivan\n", stderr: "" });
    await back.waitClosed();
    const ivan = await LineClient.login(server().tcpPort, "ivan", password!);
    expect(ivan.text).not.toContain("new nick");
    ivan.close();
    expect(await cli("delete", "ivan")).toEqual({ code: 0, stdout: "Deleted ivan; their messages stay, from [deleted]\n", stderr: "" });
    const reader = await LineClient.login(server().tcpPort, "reader", "pw-reader-long");
    reader.send("/history #lobby 200");
    await reader.waitFor(/<\[deleted\]> hello from ivo$/);
    reader.close();
    expect((await cli("accounts", "ivan")).stdout).toBe("No accounts\n");
    expect(await cli("delete", "ivan")).toEqual({ code: 1, stdout: "", stderr: 'No user named "ivan"\n' });
  });

  test("with no command, a console runs the same commands, with help", async () => {
    const input = 'help\nhelp ban\nstatus --json\nkick "no such"\nbogus\nexit\n';
    const { stdout: out, stderr: err, code } = await admin(dir, ["--config", configPath], { input });
    expect(code).toBe(0);
    expect(out).toStartWith(`Connected to ${url()}. Type help for the commands, exit to leave.\n`);
    expect(out).toMatch(/ {2}status +Uptime, version, store health/);
    expect(out).toMatch(/\n {2}exit +Leave the console/);
    expect(out).toContain("ban <nick> [duration] [reason]\n  Refuse a user's logins");
    expect(out).toContain('"usersOnline": 0');
    expect(err).toBe('no such is not online\nUnknown command "bogus". Try chat admin --help\n');
  });
});
