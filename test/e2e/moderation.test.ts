import { afterAll, describe, expect, test } from "bun:test";
import { AdminClient, AdminError } from "../../server/cli/admin/client.ts";
import { LineClient } from "./client.ts";
import { WsClient } from "./ws-client.ts";
import { drivers, removeDir, tempDir } from "./harness.ts";

const TOKEN = "test-admin-token-0123456789";

// The admin API's moderation on both stores, with the server in this process.
for (const driver of await drivers()) {
  describe.skipIf(driver.skip)(`moderation on the ${driver.name} store`, () => {
    const dataDir = tempDir();
    afterAll(async () => {
      await driver.cleanup();
      removeDir(dataDir);
    });

    test("a ban outlives a restart and refuses telnet logins; unban lets the user back", async () => {
      let server = await driver.start(dataDir, { admin: { token: TOKEN } });
      let api = new AdminClient(`http://127.0.0.1:${server.httpPort}`, TOKEN);
      const jon = await LineClient.login(server.tcpPort, "jon", "pw-jon-long");
      const kim = await LineClient.login(server.tcpPort, "kim", "pw-kim-long");
      expect(await api.call<{ nick: string; sessions: number }>("POST", "/kick", { nick: "jon", reason: "" })).toEqual({ nick: "jon", sessions: 1 });
      await jon.waitFor(/^\*\*\* Error: You were kicked$/);
      await kim.waitFor(/^\*\*\* jon went offline \(kicked\)$/);
      const kimWeb = await WsClient.login(server.httpPort, "kim", "pw-kim-long");
      const { token } = await kimWeb.waitFor((f) => f.type === "welcome");
      const banned = await api.call<{ ban: { nick: string; until: string | null; reason: string }; kicked: number }>(
        "POST", "/ban", { nick: "KIM", seconds: null, reason: "spam" });
      expect(banned).toMatchObject({ ban: { nick: "kim", until: null, reason: "spam" }, kicked: 2 });
      await kim.waitFor(/^\*\*\* Error: You are banned until further notice \(spam\)$/);
      await kim.waitClosed();
      expect(await kimWeb.waitClosed()).toBe(1008);
      await server.stop();

      server = await driver.start(dataDir, { admin: { token: TOKEN } });
      api = new AdminClient(`http://127.0.0.1:${server.httpPort}`, TOKEN);
      try {
        const retry = await LineClient.open(server.tcpPort);
        await retry.waitForText("Nickname: ");
        retry.send("kim");
        await retry.waitFor(/Error: You are banned until further notice \(spam\)$/);
        await retry.waitClosed();
        // Every way in passes the check, a resume token issued before the ban among them.
        const resumed = await WsClient.open(server.httpPort);
        resumed.send({ type: "resume", token });
        expect((await resumed.waitFor((f) => f.type === "error")).message).toBe("You are banned until further notice (spam)");
        expect(await resumed.waitClosed()).toBe(1008);
        expect(server.hub.operator.onlineSessions()).toEqual([]);

        await expect(api.call("POST", "/ban", { nick: "kim", seconds: -5 })).rejects.toThrow(new AdminError("Bad request: seconds: Too small: expected number to be >0"));
        expect(await api.call<{ nick: string }>("POST", "/unban", { nick: "kim" })).toEqual({ nick: "kim" });
        const back = await LineClient.login(server.tcpPort, "kim", "pw-kim-long");
        back.close();
      } finally {
        await server.stop();
      }
    });
  });
}
