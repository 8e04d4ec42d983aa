import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { LineClient } from "./client.ts";
import { embedded, serverFixture } from "./harness.ts";
import { WsClient } from "./ws-client.ts";

// Room traffic as it fans out for real: web clients hear rooms through Bun's pub/sub, terminals
// one socket at a time, and each must see every message once, in order, replay first.

const BIG = 60_000;

describe("room fan-out over real sockets", () => {
  // Big lines and a small outbound limit, so a client that stops reading falls behind quickly.
  const fixture = serverFixture(embedded, { limits: { maxLineBytes: BIG + 100, maxFrameBytes: BIG * 2, maxOutboundBytes: 64 * 1024 } });
  const { keep } = fixture;
  const web = async (nick: string, room?: string) => {
    const c = keep(await WsClient.login(fixture.server.httpPort, nick));
    if (room) await moveTo(c, room);
    return c;
  };
  const moveTo = async (c: WsClient, room: string) => {
    c.send({ type: "join", room });
    await c.waitFor((f) => f.type === "history" && f.room === room);
  };
  const texts = (c: WsClient, room: string) => c.messages().filter((m) => m.room === room).map((m) => m.text);

  test("two web clients and a telnet client in one room each get every message exactly once, in one order", async () => {
    const [w1, w2] = [await web("trioW1", "#trio"), await web("trioW2", "#trio")];
    const t = keep(await LineClient.login(fixture.server.tcpPort, "trioT"));
    t.send("/join #trio");
    await t.waitFor(/Recent messages in #trio/);
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const [who, c] of [["w1", w1], ["w2", w2]] as const) {
        sent.push(`${who}-${i}`);
        c.send({ type: "say", text: `${who}-${i}`, to: "#trio" });
      }
      sent.push(`t-${i}`);
      t.send(`t-${i}`);
    }
    for (const c of [w1, w2]) for (const text of sent) await c.waitFor((f) => f.type === "message" && f.text === text);
    for (const text of sent) await t.waitFor(new RegExp(` ${text}$`));
    const order = texts(w1, "#trio");
    expect([...order].sort()).toEqual([...sent].sort());
    expect(texts(w2, "#trio")).toEqual(order);
    expect(t.lines.filter((l) => /<trio\w+> /.test(l)).map((l) => l.split("> ")[1])).toEqual(order);
    const ids = w1.messages().map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  test("a web client joining during live traffic sees the replay, then every later message once, in order", async () => {
    const sender = await web("liveSender", "#live");
    const joiner = await web("liveJoiner");
    const N = 80;
    for (let i = 1; i <= N; i++) {
      sender.send({ type: "say", text: `n${i}`, to: "#live" });
      if (i === 30) joiner.send({ type: "join", room: "#live" });
      if (i % 5 === 0) await Bun.sleep(1);
    }
    await sender.waitFor((f) => f.text === `n${N}`);
    await joiner.waitFor((f) => f.text === `n${N}`);
    const history = joiner.frames.find((f) => f.type === "history" && f.room === "#live");
    const seen = [...history.messages.map((m: any) => m.text), ...texts(joiner, "#live")];
    // Whatever the replay began with, everything from there on, with no gap and no repeat.
    const first = Number(seen[0].slice(1));
    expect(seen).toEqual(Array.from({ length: N - first + 1 }, (_, k) => `n${first + k}`));
    const roomAt = joiner.frames.findIndex((f) => f.type === "room" && f.room === "#live");
    expect(joiner.frames.findIndex((f) => f.type === "message" && f.room === "#live")).toBeGreaterThan(roomAt);
  });

  test("after /leave, nothing more of the old room arrives; a terminal that moves on hears only its new room", async () => {
    const talker = keep(await LineClient.login(fixture.server.tcpPort, "oldTalker"));
    talker.send("/join #old");
    await talker.waitFor(/Recent messages in #old/);
    const mover = await web("mover", "#old");
    const watcher = keep(await LineClient.login(fixture.server.tcpPort, "oldWatcher"));
    watcher.send("/join #old");
    await watcher.waitFor(/Recent messages in #old/);
    for (let i = 1; i <= 40; i++) {
      talker.send(`old ${i}`);
      if (i === 15) {
        mover.send({ type: "leave", room: "#old" });
        watcher.send("/join #new");
      }
    }
    await talker.waitFor(/ old 40$/);
    mover.send({ type: "say", text: "marker in #lobby", to: "#lobby" });
    await mover.waitFor((f) => f.text === "marker in #lobby");
    watcher.send("marker in #new");
    await watcher.waitFor(/marker in #new$/);
    const leftAt = mover.frames.findIndex((f) => f.type === "membership" && f.room === "#old" && !f.joined);
    expect(leftAt).toBeGreaterThan(0);
    expect(mover.frames.slice(leftAt).filter((f) => f.type === "message" && f.room === "#old")).toEqual([]);
    // What each did get of #old is an unbroken run.
    for (const got of [texts(mover, "#old"), watcher.lines.filter((l) => / old \d+$/.test(l)).map((l) => l.split("> ")[1]!)]) {
      const n = got.map((t) => Number(t.split(" ")[1]));
      expect(n).toEqual(Array.from({ length: n.length }, (_, k) => n[0]! + k));
    }
    const movedAt = watcher.lines.findIndex((l) => l.startsWith("--- Recent messages in #new"));
    expect(watcher.lines.slice(movedAt).filter((l) => / old \d+$/.test(l))).toEqual([]);
  });

  test("a web client that stops reading room traffic is dropped, and its room hears it left", async () => {
    const watcher = await web("slowWatcher", "#slow");
    const stalled = await stalledWebClient(fixture.server.httpPort, "slowpoke", "#slow");
    keep(stalled);
    await watcher.waitFor((f) => f.type === "presence" && f.change === "joined" && f.nick === "slowpoke");
    const flooder = await web("slowFlooder", "#slow");
    const line = "z".repeat(BIG);
    const gone = (f: any) => f.type === "presence" && f.change === "offline" && f.nick === "slowpoke";
    for (let i = 0; i < 400 && !watcher.frames.some(gone); i++) {
      flooder.send({ type: "say", text: `${i} ${line}`, to: "#slow" });
      if (i % 10 === 9) await flooder.waitFor((f) => f.type === "message" && f.text.startsWith(`${i} `));
    }
    await watcher.waitFor(gone, { timeout: 10_000 });
    expect(fixture.server.hub.operator.onlineSessions().map((s) => s.nick)).not.toContain("slowpoke");
  }, 30_000);
});

/** A raw WebSocket that logs in, joins `room`, and then never reads another byte. */
async function stalledWebClient(port: number, nick: string, room: string): Promise<{ close(): void }> {
  const socket = connect({ port, host: "127.0.0.1" });
  await new Promise((resolve) => socket.once("connect", resolve));
  let seen = "";
  const until = (what: string) =>
    new Promise<void>((resolve) => {
      const check = () => (seen.includes(what) ? (socket.off("data", onData), resolve()) : undefined);
      const onData = (d: Buffer) => ((seen += d.toString("latin1")), check());
      socket.on("data", onData);
      check();
    });
  socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  await until("101 Switching Protocols");
  socket.write(maskedTextFrame(JSON.stringify({ type: "login", nick, password: "secret-pw", confirm: "secret-pw" })));
  await until('"type":"room"');
  socket.write(maskedTextFrame(JSON.stringify({ type: "join", room })));
  await until(`"room":"${room}","reason":"recent"`);
  socket.pause();
  return { close: () => socket.destroy() };
}

/** A client-to-server text frame, masked as RFC 6455 requires (payloads under 64 KiB). */
function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const header = payload.length < 126 ? [0x81, 0x80 | payload.length] : [0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff];
  const mask = [0x12, 0x34, 0x56, 0x78];
  return Uint8Array.from([...header, ...mask, ...payload.map((b, i) => b ^ mask[i % 4]!)]);
}
