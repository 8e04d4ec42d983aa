import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { seedDataDir } from "../template.ts";
import { LineClient } from "./client.ts";
import { CHEAP_HASH, LOOPBACK, removeDir, tempDir } from "./harness.ts";
import { admin, freePort, spawnServer, type ServerProcess } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

// `chat admin rooms`, `room delete` and the live reload of reservedNicks, against a real server
// process, with users on telnet (one reading Spanish) and on the web.
describe("chat admin for rooms and reserved nicks", () => {
  const dir = tempDir("chat-admin-rooms-");
  const dataDir = join(dir, "data");
  const configPath = join(dir, "chat.json");
  const config: Record<string, unknown> = { host: "127.0.0.1", tcpPort: freePort(), httpPort: freePort(), dataDir, limits: { exemptAddresses: LOOPBACK }, passwordHash: CHEAP_HASH };
  let server: ServerProcess;
  const cli = (...args: string[]) => admin(dir, args);

  beforeAll(async () => {
    writeFileSync(configPath, JSON.stringify(config));
    await seedDataDir(dataDir);
    server = await spawnServer(dir, []);
  });
  afterAll(async () => {
    server.proc.kill("SIGKILL");
    await server.proc.exited;
    removeDir(dir);
  });

  test("rooms lists every room with members, online, messages, last activity and topic; room delete asks for --yes, then moves members out", async () => {
    const ana = await LineClient.login(server.tcpPort, "ana", "pw-ana-long");
    const pepe = await LineClient.login(server.tcpPort, "pepe", "pw-pepe-long");
    const web = await WsClient.login(server.httpPort, "wendy", "pw-wendy-long");
    pepe.send("/set lang es");
    await pepe.waitFor(/idioma|Ajustes|lang/i);
    for (const c of [ana, pepe]) c.send("/join #dev");
    web.send({ type: "join", room: "#dev" });
    await web.waitFor((f) => f.type === "membership" && f.room === "#dev" && f.joined);
    await ana.waitFor(/You joined #dev/);
    ana.send("/topic all about dev");
    ana.send("hello dev");
    await pepe.waitFor(/<ana> hello dev$/);

    const table = (await cli("rooms")).stdout.split("\n");
    expect(table[0]).toMatch(/^ROOM +MEMBERS +ONLINE +MESSAGES +LAST ACTIVITY +TOPIC$/);
    expect(table.find((l) => l.startsWith("#dev "))).toMatch(/^#dev +3 +3 +1 +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(\d+s ago\) +all about dev$/);
    expect(table.find((l) => l.startsWith("#lobby "))).toMatch(/^#lobby +3 +3 +0 /);
    const json = JSON.parse((await cli("rooms", "DEV", "--json")).stdout);
    expect(json).toEqual([{
      room: { id: expect.any(Number), name: "#dev" }, topic: "all about dev", members: 3, online: 3, messages: 1,
      createdAt: expect.any(String), lastActivity: expect.any(String),
    }]);
    expect(await cli("rooms", "nothing-like-it")).toEqual({ code: 0, stdout: "No rooms\n", stderr: "" });

    // Without --yes nothing happens: the operator is told what would go.
    expect(await cli("room", "delete", "#dev")).toEqual({
      code: 1, stdout: "", stderr: "This deletes #dev, its 1 message and 3 memberships; to do it: chat admin room delete #dev --yes\n",
    });
    expect(await cli("room", "delete", "#lobby", "--yes")).toEqual({ code: 1, stdout: "", stderr: "#lobby cannot be deleted: every account starts in it\n" });
    expect(await cli("room", "delete", "#nope", "--yes")).toEqual({ code: 1, stdout: "", stderr: "No room named #nope\n" });

    const mark = ana.lines.length;
    expect(await cli("room", "delete", "#dev", "--yes")).toEqual({ code: 0, stdout: "Deleted #dev, its 1 message and 3 memberships\n", stderr: "" });
    await ana.waitFor(/^\*\*\* The operator deleted #dev; you are no longer in it$/);
    await pepe.waitFor(/^\*\*\* El operador ha borrado #dev; ya no estás en esa sala$/);
    await web.waitFor((f) => f.type === "notice" && f.key === "room_deleted");
    await web.waitFor((f) => f.type === "membership" && f.room === "#dev" && !f.joined);
    // The terminals were in #dev: they are back in the lobby.
    await ana.waitFor(/^--- Recent messages in #lobby/, { from: mark });
    ana.send("/history #dev");
    await ana.waitFor(/^\*\*\* Error: No room named #dev$/, { from: mark });
    expect((await cli("rooms", "dev")).stdout).toBe("No rooms\n");
    // The console has the same commands.
    const console = await admin(dir, [], { input: "help\nrooms lobby\nexit\n" });
    expect(console.stdout).toMatch(/\n {2}rooms \[pattern\] +Rooms whose name contains pattern/);
    expect(console.stdout).toMatch(/\n {2}room delete <#name> --yes +Delete a room with its messages/);
    expect(console.stdout).toMatch(/\n#lobby +3 +3 +0 /);
    for (const c of [ana, pepe]) c.close();
    web.close();
  });

  test("reload and SIGHUP apply reservedNicks at once: a newly reserved nick cannot be registered", async () => {
    const refused = async (nick: string) => {
      const c = await LineClient.open(server.tcpPort);
      await c.waitForText("Nickname: ");
      c.send(nick);
      const got = await c.waitFor(/is reserved|new nick/);
      c.close();
      return got.includes("is reserved");
    };
    expect(await refused("bobby")).toBe(false);
    writeFileSync(configPath, JSON.stringify({ ...config, reservedNicks: ["Bobby"] }));
    expect(await cli("reload")).toEqual({ code: 0, stdout: "Applied now: reservedNicks\n", stderr: "" });
    expect(await refused("bobby")).toBe(true);

    writeFileSync(configPath, JSON.stringify({ ...config, reservedNicks: ["carla"] }));
    server.proc.kill("SIGHUP");
    // The second reload this server logs: the first was `chat admin reload`'s.
    await server.waitForOutput(/reloaded[\s\S]*reloaded.*reservedNicks/);
    expect(await refused("carla")).toBe(true);
    expect(await refused("bobby")).toBe(false);
  });
});
