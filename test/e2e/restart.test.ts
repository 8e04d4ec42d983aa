import { afterAll, describe, expect, test } from "bun:test";
import { LineClient } from "./client.ts";
import { drivers, removeDir, tempDir } from "./harness.ts";

for (const driver of await drivers()) {
  describe.skipIf(driver.skip)(`restart on the ${driver.name} store`, () => {
    const dataDir = tempDir();
    afterAll(async () => {
      await driver.cleanup();
      removeDir(dataDir);
    });

    test("accounts, statuses and history survive a restart", async () => {
      let server = await driver.start(dataDir);
      const tere = await LineClient.login(server.tcpPort, "tere", "pw-tere-long");
      const ugo = await LineClient.login(server.tcpPort, "ugo", "pw-ugo-long");
      tere.send("/join #club");
      await tere.waitFor(/You joined #club/);
      tere.send("before the restart");
      await tere.waitFor(/<tere> before the restart/);
      ugo.send("!tere private before");
      await tere.waitFor(/\[ugo → tere\] private before/);
      ugo.send("/status away lunch");
      await ugo.waitFor(/ugo is now away \(lunch\)/);
      await server.stop();
      await tere.waitClosed();
      await ugo.waitClosed();

      server = await driver.start(dataDir);
      try {
        // A wrong password is refused: the account, not a new one, is what answers.
        const probe = await LineClient.open(server.tcpPort);
        await probe.waitForText("Nickname: ");
        probe.send("tere");
        await probe.waitFor(/Password: $/, { partial: true });
        probe.close();

        const again = await LineClient.login(server.tcpPort, "tere", "pw-tere-long");
        expect(again.text).not.toContain("new nick");
        again.send("/history #club");
        await again.waitFor(/--- The last message in #club ---/);
        await again.waitFor(/<tere> before the restart/);
        again.send("/history ugo");
        await again.waitFor(/\[ugo → tere\] private before/);
        again.send("/perfil ugo");
        await again.waitFor(/status +away \(lunch\)/);
        await again.waitFor(/messages sent +1$/);
        await again.waitFor(/last seen +\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
        again.close();
      } finally {
        await server.stop();
      }
    });
  });
}
