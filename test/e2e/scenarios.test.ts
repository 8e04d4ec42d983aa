import { describe, expect, test } from "bun:test";
import { drivers, serverFixture } from "./harness.ts";
import { login, type RoomCount, type Transport } from "./people.ts";

// What matters to users, typed the same way on both clients: every scenario runs over telnet
// and over the WebSocket (as the web page speaks it), on both stores, and expects the same
// results. A scenario that passes on one transport and fails on the other is a second path.

const TRANSPORTS: Transport[] = ["telnet", "web"];

for (const driver of await drivers()) {
  for (const transport of TRANSPORTS) {
    describe.skipIf(driver.skip)(`${transport} on the ${driver.name} store`, () => {
      const fixture = serverFixture(driver);
      const person = async (nick: string) => {
        const { tcpPort: tcp, httpPort: http } = fixture.server;
        return fixture.keep(await login(transport, { tcp, http }, nick));
      };

      test("a public message reaches everyone in the room, and /me is an emote", async () => {
        const [ana, beto] = [await person("ana"), await person("beto")];
        ana.type("hola a todos");
        await beto.sees({ kind: "public", from: "ana", text: "hola a todos" });
        await ana.sees({ kind: "public", from: "ana", text: "hola a todos" });
        beto.type("/me waves");
        await ana.sees({ kind: "emote", from: "beto", text: "waves" });
        beto.type("//etc is a folder");
        await ana.sees({ kind: "public", from: "beto", text: "/etc is a folder" });
      });

      test("/msg and !nick are private: the recipient and the sender see them, nobody else", async () => {
        const [dora, eli, fer] = [await person("dora"), await person("eli"), await person("fer")];
        dora.type("/msg eli the secret is 42");
        dora.type("!eli and the other is 7");
        await eli.sees({ kind: "private", from: "dora", to: "eli", text: "the secret is 42" });
        await eli.sees({ kind: "private", from: "dora", to: "eli", text: "and the other is 7" });
        await dora.sees({ kind: "private", from: "dora", to: "eli", text: "and the other is 7" });
        eli.type("/reply got it");
        await dora.sees({ kind: "private", from: "eli", to: "dora", text: "got it" });
        fer.type("marker after the secrets");
        await fer.sees({ text: "marker after the secrets" });
        await dora.sees({ text: "marker after the secrets" });
        const fers = fer.shown().map((m) => m.text);
        expect(fers).toContain("marker after the secrets");
        expect(fers.filter((t) => /secret is 42|other is 7|got it/.test(t))).toEqual([]);
      });

      test("private messages sent while offline arrive as private messages at the next login", async () => {
        const gus = await person("gus");
        gus.close();
        const hana = await person("hana");
        hana.type("!gus are you there?");
        expect(await hana.notice(/gus is offline/)).toBe("gus is offline and will see your message at their next login");
        hana.type("/msg gus second one");
        await hana.sees({ text: "second one" });
        const back = await person("gus");
        expect(await back.notice(/While you were away/)).toBe("While you were away, 2 private messages arrived");
        const first = await back.sees({ text: "are you there?" });
        expect(first).toMatchObject({ kind: "private", from: "hana", to: "gus" });
        // Never in a room: the web shows them in the conversation with hana.
        const fromHana = back.shown().filter((m) => m.from === "hana");
        expect(fromHana.map((m) => [m.kind, m.text])).toEqual([["private", "are you there?"], ["private", "second one"]]);
        if (transport === "web") expect(fromHana.map((m) => m.in)).toEqual(["@hana", "@hana"]);
      });

      test("several rooms: messages elsewhere count as unread until /join shows them", async () => {
        const [ines, juan] = [await person("ines"), await person("juan")];
        await ines.join("#dev");
        await juan.join("#dev");
        await juan.join("#lobby");
        ines.type("in dev 1");
        ines.type("in dev 2");
        await ines.sees({ text: "in dev 2" });
        expect(await eventually(() => juan.rooms(), (r) => r.find((x) => x.name === "#dev")?.unread === 2)).toEqual([
          { name: "#dev", unread: 2, mentions: 0 },
          { name: "#lobby", unread: 0, mentions: 0 },
        ]);
        await juan.join("#dev");
        await juan.sees({ text: "in dev 2" });
        expect((await eventually(() => juan.rooms(), (r) => r[0]?.unread === 0))[0]).toEqual({ name: "#dev", unread: 0, mentions: 0 });
        juan.type("/leave");
        await ines.sees({ text: "in dev 2" });
        expect((await eventually(() => juan.rooms(), (r) => r.length === 1)).map((r) => r.name)).toEqual(["#lobby"]);
        juan.type("/leave");
        expect(await juan.nextError()).toBe("#lobby is your only room; /join another before you leave it");
      });

      test("mentions: a member named in a room they are not looking at is told, and it is counted", async () => {
        const [kim, leo] = [await person("kim"), await person("leo")];
        await kim.join("#ops");
        await leo.join("#ops");
        await leo.join("#lobby");
        kim.type("leo: look at this");
        kim.type("and this @LEO!");
        kim.type("not for leon");
        await leo.mentioned("#ops", "kim", "leo: look at this");
        await leo.mentioned("#ops", "kim", "and this @LEO!");
        const ops = (r: RoomCount[]) => r.find((x) => x.name === "#ops");
        expect(ops(await eventually(() => leo.rooms(), (r) => ops(r)?.unread === 3))).toEqual({ name: "#ops", unread: 3, mentions: 2 });

        // Counts are the server's: they come back the same after a reconnect.
        leo.close();
        const again = await person("leo");
        expect(ops(await again.rooms())).toEqual({ name: "#ops", unread: 3, mentions: 2 });
        await again.join("#ops");
        await again.sees({ text: "not for leon" });
        expect(ops(await eventually(() => again.rooms(), (r) => ops(r)?.unread === 0))).toEqual({ name: "#ops", unread: 0, mentions: 0 });
      });

      test("history has one page limit, and errors read the same on every client", async () => {
        const mia = await person("mia");
        mia.type("one");
        mia.type("two");
        await mia.sees({ text: "two" });
        for (const [line, error] of [
          ["/history 500", "The count must be a whole number from 1 to 200"],
          ["/history #nowhere", "No room named #nowhere"],
          ["/msg", "Usage: /msg <nick> <text>"],
          ["/frobnicate now", "Unknown command /frobnicate; type /help for the list"],
          ["!nadie hola", 'No user named "nadie"'],
          ["/estado dormido", "Usage: /status [available|busy|away] [note]"],
          ["/join #has space", "Usage: /join <#room>"],
          ["/me", "Usage: /me <action>"],
        ] as const) {
          mia.type(line);
          expect(await mia.nextError()).toBe(error);
        }
        mia.type("/history #lobby 1");
        await mia.sees({ text: "two" });
      });

      test("/set lang es: server messages in Spanish, on every device of the account", async () => {
        const nora = await person("nora");
        nora.type("/set lang es");
        nora.type("/frobnicate");
        expect(await nora.nextError()).toBe("Comando desconocido /frobnicate; escribe /ayuda para ver la lista");
        const other = await person("nora");
        other.type("/historial 500");
        expect(await other.nextError()).toBe("La cantidad debe ser un número entero de 1 a 200");
      });

      test("/topic sets a room's topic for everyone in it, and it is shown on join", async () => {
        const [tere, ugo] = [await person("tere"), await person("ugo")];
        await tere.join("#topics");
        await ugo.join("#topics");
        tere.type("/topic releases on Friday");
        expect(await ugo.notice(/tere set the topic/)).toBe("tere set the topic of #topics: releases on Friday");
        ugo.type("/topic");
        expect(await ugo.notice(/Topic of/)).toBe("Topic of #topics: releases on Friday");
        const vera = await person("vera");
        await vera.join("#topics");
        expect(await vera.notice(/Topic of/)).toBe("Topic of #topics: releases on Friday");
      });
    });
  }
}

/** Asks again (each answer is a fresh round trip) until `ok`, as read markers are stored in the background. */
async function eventually<T>(ask: () => Promise<T>, ok: (value: T) => boolean, tries = 50): Promise<T> {
  let last = await ask();
  for (let i = 1; i < tries && !ok(last); i++) last = await ask();
  return last;
}
