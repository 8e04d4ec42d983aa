import { afterAll, describe, expect, test } from "bun:test";
import { AdminClient, AdminError } from "../../server/cli/admin/client.ts";
import { LineClient } from "./client.ts";
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
      const jon = await LineClient.login(server.tcpPort, "jon", "pw-jon");
      const kim = await LineClient.login(server.tcpPort, "kim", "pw-kim");
      expect(await api.call<{ nick: string; sessions: number }>("POST", "/kick", { nick: "jon", reason: "" })).toEqual({ nick: "jon", sessions: 1 });
      await jon.waitFor(/^\*\*\* Error: You were kicked$/);
      await kim.waitFor(/^\*\*\* jon left #lobby \(kicked\)$/);
      const banned = await api.call<{ ban: { nick: string; until: string | null; reason: string }; kicked: number }>(
        "POST", "/ban", { nick: "KIM", seconds: null, reason: "spam" });
      expect(banned).toMatchObject({ ban: { nick: "kim", until: null, reason: "spam" }, kicked: 1 });
      await kim.waitFor(/^\*\*\* Error: You are banned until further notice \(spam\)$/);
      await kim.waitClosed();
      await server.stop();

      server = await driver.start(dataDir, { admin: { token: TOKEN } });
      api = new AdminClient(`http://127.0.0.1:${server.httpPort}`, TOKEN);
      try {
        const retry = await LineClient.open(server.tcpPort);
        await retry.waitForText("Nickname: ");
        retry.send("kim");
        await retry.waitFor(/Error: You are banned until further notice \(spam\)$/);
        await retry.waitClosed();
        // The check is in the hub, so a transport that skips login.ts's early check is refused too.
        const user = (await server.hub.store.findUser("kim"))!;
        const session = server.hub.connect({ transport: "ws", remote: "test", send() {}, close() {} });
        await expect(server.hub.enter(session, user)).rejects.toThrow("You are banned until further notice (spam)");
        expect(server.hub.onlineUser("kim")).toBeUndefined();
        server.hub.disconnect(session);

        await expect(api.call("POST", "/ban", { nick: "kim", seconds: -5 })).rejects.toThrow(new AdminError("Bad request: seconds: Too small: expected number to be >0"));
        expect(await api.call<{ nick: string }>("POST", "/unban", { nick: "kim" })).toEqual({ nick: "kim" });
        const back = await LineClient.login(server.tcpPort, "kim", "pw-kim");
        back.close();
      } finally {
        await server.stop();
      }
    });
  });
}
