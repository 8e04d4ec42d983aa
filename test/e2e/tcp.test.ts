import { describe, expect, test } from "bun:test";
import { LineClient } from "./client.ts";
import { drivers, serverFixture } from "./harness.ts";

for (const driver of await drivers()) {
  describe.skipIf(driver.skip)(`TCP chat on the ${driver.name} store`, () => {
    const fixture = serverFixture(driver);
    const { keep } = fixture;
    const login = async (nick: string, password = "secret-pw") => keep(await LineClient.login(fixture.server.tcpPort, nick, password));

    test("three users chat in the lobby", async () => {
      const ana = await login("ana");
      const beto = await login("beto");
      const caro = await login("caro");
      ana.send("hola a todos");
      for (const c of [ana, beto, caro]) await c.waitFor(/^\[\d\d:\d\d\] <ana> hola a todos$/);
      caro.send("/me waves");
      await ana.waitFor(/\* caro waves$/);
      beto.send("/list");
      await beto.waitFor(/^\*\*\* Online \(3\):$/);
      await beto.waitFor(/^ {2}caro +available +#lobby$/);
    });

    test("a private message is not seen by a third user", async () => {
      const [dora, eli, fer] = [await login("dora"), await login("eli"), await login("fer")];
      dora.send("!eli the secret is 42");
      await eli.waitFor(/\[dora → eli\] the secret is 42$/);
      await dora.waitFor(/\[dora → eli\] the secret is 42$/);
      eli.send("/reply got it");
      await dora.waitFor(/\[eli → dora\] got it$/);
      fer.send("marker after the secret");
      await fer.waitFor(/marker after the secret/);
      await dora.waitFor(/marker after the secret/);
      expect(fer.text).not.toContain("secret is 42");
      expect(fer.text).not.toContain("got it");
    });

    test("telnet negotiation bytes never reach another user", async () => {
      const gus = await login("gus");
      const hugo = await login("hugo");
      hugo.clear();
      // WILL NAWS, a subnegotiation with IAC IAC inside, DO ECHO and a CR NUL line end.
      gus.write(Uint8Array.from([...Buffer.from("hel"), 255, 251, 31, 255, 250, 31, 0, 80, 255, 255, 0, 24, 255, 240, ...Buffer.from("lo"), 255, 253, 1, 13, 0]));
      const line = await hugo.waitFor(/<gus>/);
      expect(line).toMatch(/<gus> hello$/);
      const received = Buffer.from(hugo.raw).toString("latin1");
      expect(received).not.toContain("\x50\xff\xff");
      expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u00ff]/);
    });

    test("escape sequences from one user never reach another's terminal", async () => {
      const ines = await login("ines");
      const juan = await login("juan");
      const before = juan.raw.length;
      ines.send("\x1b[2J\x1b]0;pwned\x07clear \u202Eevil\u202C \x9b31m done");
      await juan.waitFor(/<ines> .*done$/);
      const bytes = Buffer.from(juan.raw.slice(before));
      for (const bad of [0x1b, 0x07, 0x9b]) expect(bytes.includes(bad)).toBe(false);
      const text = bytes.toString("utf8");
      expect(text).not.toContain("\u202E");
      expect(text).not.toContain("\u00c2\u009b");
      // The CSI (ESC [ 2 J) is dropped whole as it is typed; the OSC loses its ESC and BEL.
      expect(text).toContain("<ines> ]0;pwnedclear evil 31m done");
    });

    test("backspaces typed a character at a time are applied", async () => {
      const kim = await login("kim");
      kim.write("heX\x7fllp\x08o\r\n");
      await kim.waitFor(/<kim> hello$/);
    });

    test("an over-long line is refused, and a flood without line end closes the connection", async () => {
      const leo = await login("leo");
      leo.send("x".repeat(5000));
      await leo.waitFor(/Error: Line too long \(5000 bytes; 4096 at most\); not sent/);
      leo.send("still here");
      await leo.waitFor(/<leo> still here/);
      leo.write("y".repeat(20000));
      await leo.waitClosed();
    });

    test("unknown commands and bad arguments get a one-line error and send nothing", async () => {
      const mia = await login("mia");
      const nico = await login("nico");
      mia.send("/frobnicate now");
      await mia.waitFor(/^\*\*\* Error: Unknown command \/frobnicate; type \/help for the list$/);
      mia.send("/msg");
      await mia.waitFor(/^\*\*\* Error: Usage: \/msg <nick> <text>$/);
      mia.send("/estado dormido");
      await mia.waitFor(/^\*\*\* Error: Usage: \/status/);
      mia.send("!nadie hola");
      await mia.waitFor(/No user named "nadie"/);
      mia.send("ok");
      await nico.waitFor(/<mia> ok$/);
      expect(nico.text).not.toContain("frobnicate");
    });

    test("three wrong passwords close the connection", async () => {
      await login("olga", "right-one");
      const c = keep(await LineClient.open(fixture.server.tcpPort));
      await c.waitForText("Nickname: ");
      c.send("olga");
      for (let i = 0; i < 3; i++) {
        await c.waitFor(/Password: $/, { partial: true });
        c.partialReset();
        c.send("wrong");
      }
      await c.waitFor(/Wrong password too many times/);
      await c.waitClosed();
    });

    test("rooms: join replays history and tells the room, /rooms lists them, leave goes back to the lobby", async () => {
      const pia = await login("pia");
      const quim = await login("quim");
      pia.send("/join #dev");
      await pia.waitFor(/^\*\*\* You joined #dev$/);
      pia.send("first in dev");
      await pia.waitFor(/<pia> first in dev/);
      quim.send("/unirse dev");
      await quim.waitFor(/--- Recent messages in #dev ---/);
      await quim.waitFor(/<pia> first in dev/);
      await pia.waitFor(/^\*\*\* quim joined #dev$/);
      quim.send("/rooms");
      await quim.waitFor(/^ {2}\* #dev +2 of 2 members online$/);
      quim.send("/leave");
      await pia.waitFor(/^\*\*\* quim left #dev$/);
      await quim.waitFor(/^\*\*\* You left #dev$/);
      await quim.waitFor(/--- Recent messages in #lobby/);
    });

    test("a private message to someone offline is shown at their next login with a count", async () => {
      const rosa = await login("rosa");
      const sol = await login("sol");
      sol.send("/quit see you");
      await sol.waitClosed();
      rosa.send("/msg sol are you there?");
      await rosa.waitFor(/sol is offline and will see your message at their next login/);
      rosa.send("!sol second one");
      await rosa.waitFor(/second one/);
      const back = await login("sol");
      await back.waitFor(/While you were away, 2 private messages arrived/);
      await back.waitFor(/\[rosa → sol\] are you there\?/);
    });
  });
}
