import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { lacks } from "../needs.ts";
import { LineClient } from "./client.ts";
import { clusterFixture, who } from "./cluster-kit.ts";
import type { Person, Transport } from "./people.ts";
import { admin } from "./server-process.ts";
import { WsClient } from "./ws-client.ts";

// Several nodes on one real PostgreSQL (issue 16): users on different nodes see each other's
// messages, presence, statuses, kicks and bans, whichever node each reached. Nodes dying,
// pausing and restarting are in cluster-nodes.test.ts.

describe.skipIf(lacks("postgres"))("two nodes on one PostgreSQL", () => {
  const fx = clusterFixture();

  for (const [ta, tb] of [["telnet", "web"], ["web", "telnet"]] as [Transport, Transport][]) {
    test(`public and private messages reach a user on the other node (${ta} on a, ${tb} on b)`, async () => {
      const ana = await fx.person(ta, 0, `ana_${ta}`);
      const beto = await fx.person(tb, 1, `beto_${tb}`);
      ana.type(`hola from a over ${ta}`);
      await beto.sees({ kind: "public", from: ana.nick, text: `hola from a over ${ta}` });
      beto.type(`/msg ${ana.nick} psst from b`);
      await ana.sees({ kind: "private", from: beto.nick, to: ana.nick, text: "psst from b" });
      await beto.sees({ kind: "private", from: beto.nick, to: ana.nick, text: "psst from b" });
      beto.type("/me waves");
      await ana.sees({ kind: "emote", from: beto.nick, text: "waves" });
      // Each sees the other's message once, and their own once: delivered at once, skipped when read back.
      ana.type(`second from ${ta}`);
      beto.type(`marker from ${tb}`);
      await ana.sees({ kind: "public", from: beto.nick, text: `marker from ${tb}` });
      await beto.sees({ kind: "public", from: ana.nick, text: `second from ${ta}` });
      // The two lines reach their nodes in either order, so ana's own echo may still be on its way;
      // a last line from ana, seen by both, comes after any copy the read-back could have made.
      await ana.sees({ kind: "public", from: ana.nick, text: `second from ${ta}` });
      ana.type(`last from ${ta}`);
      await beto.sees({ kind: "public", from: ana.nick, text: `last from ${ta}` });
      await ana.sees({ kind: "public", from: ana.nick, text: `last from ${ta}` });
      const once = (p: Person, text: string) => p.shown().filter((m) => m.text === text).length;
      expect(once(ana, `second from ${ta}`)).toBe(1);
      expect(once(beto, `second from ${ta}`)).toBe(1);
      expect(once(ana, `marker from ${tb}`)).toBe(1);
    });
  }

  test("/who on one node lists the users of both, with their status; a status change reaches the other node", async () => {
    const caro = await fx.terminal(0, "caro");
    const dani = await fx.terminal(1, "dani");
    // dani's login reaches caro as a presence line: then /who on either node lists both.
    await caro.waitFor(/dani is online/, { timeout: 20000 });
    expect(await who(caro)).toEqual(expect.arrayContaining(["caro", "dani"]));
    expect(await who(dani)).toEqual(expect.arrayContaining(["caro", "dani"]));
    dani.send("/status busy in a meeting");
    await caro.waitFor(/dani.*(busy|in a meeting)/, { timeout: 20000 });
    const from = caro.lines.length;
    caro.send("/who");
    await caro.waitFor(/^\s+dani\s+busy \(in a meeting\)/, { from });
  });

  test("a private message to a user online on the other node gets no 'offline' notice", async () => {
    const eva = await fx.terminal(0, "eva");
    const fede = await fx.terminal(1, "fede");
    await eva.waitFor(/fede is online/, { timeout: 20000 });
    const from = eva.lines.length;
    eva.send("/msg fede are you there");
    await fede.waitFor(/\[eva → fede\] are you there/);
    eva.send("/msg fede marker");
    await eva.waitFor(/\[eva → fede\] marker/, { from });
    expect(eva.lines.slice(from).some((l) => /offline/.test(l))).toBe(false);
  });

  test("a kick or a ban made on one node closes the user's sessions on the other", async () => {
    const gus = await fx.terminal(0, "gus");
    const hugo = await fx.terminal(1, "hugo");
    await gus.waitFor(/hugo is online/, { timeout: 20000 });
    // The operator of node a kicks hugo, who is on node b.
    expect(fx.nodes[0]!.server.hub.operator.moderation.kick("hugo", "flooding")).toBe(1);
    await hugo.waitFor(/kicked.*flooding|flooding/);
    await hugo.waitClosed();
    const gone = await gus.waitFor(/hugo went offline \(kicked: flooding\)/, { timeout: 20000 });
    const hugo2 = await fx.terminal(1, "hugo");
    await gus.waitFor(/hugo is online/, { from: gus.lines.indexOf(gone), timeout: 20000 });
    const { kicked } = await fx.nodes[0]!.server.hub.operator.moderation.ban("hugo", null, "spam", "admin");
    expect(kicked).toBe(1);
    await hugo2.waitClosed();
    expect(hugo2.text).toMatch(/banned/i);
  });

  test("an announcement made on one node reaches the users of the other", async () => {
    const ines = await fx.terminal(1, "ines");
    fx.nodes[0]!.server.hub.operator.moderation.announce("maintenance at noon");
    await ines.waitFor(/maintenance at noon/);
  });

  test("a topic set on one node is told to the room's users on the other", async () => {
    const [lara, marc] = [await fx.terminal(0, "lara"), await fx.terminal(1, "marc")];
    for (const c of [lara, marc]) {
      c.send("/join #topics");
      await c.waitFor(/#topics/);
    }
    lara.send("/topic set on node a");
    await marc.waitFor(/lara set the topic of #topics: set on node a/, { timeout: 20000 });
  });

  test("a batch that commits late is not skipped: ids follow commit order across nodes", async () => {
    const jose = await fx.terminal(0, "jose");
    const kati = await fx.terminal(1, "kati");
    const sql = postgres(fx.pg.url, { max: 2, onnotice: () => {} });
    try {
      const [user] = await sql`SELECT id FROM users WHERE nick_key = 'jose'`;
      const [room] = await sql`SELECT id FROM rooms WHERE name_key = '#lobby'`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedYet = new Promise<void>((resolve) => (inserted = resolve));
      // What a node's batch does (the lock, the insert, the wake-up at commit), slow to commit.
      const tx = sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(7346016)`;
        const [row] = await tx`INSERT INTO messages (sender_id, room_id, kind, body) VALUES (${user!.id}, ${room!.id}, 'public', 'held back') RETURNING id`;
        await tx`SELECT pg_notify('chat_messages', ${`elsewhere ${row!.id} ${row!.id}`})`;
        inserted();
        await held;
      });
      await insertedYet;
      // Node a stores a later batch meanwhile: it must wait for the held one (or, were ids not in
      // commit order, it would commit first and node b would read past the held id).
      jose.send("after the held one");
      const lockWaiter = async () => {
        for (;;) {
          const [w] = await sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
          if (w!.n > 0) return;
          await Bun.sleep(10);
        }
      };
      await Promise.race([lockWaiter(), kati.waitFor(/<jose> after the held one/, { timeout: 20000 })]);
      release();
      await tx;
      await kati.waitFor(/<jose> held back/, { timeout: 20000 });
      await kati.waitFor(/<jose> after the held one/, { timeout: 20000 });
      const order = kati.lines.filter((l) => /<jose> (held back|after the held one)/.test(l)).map((l) => l.replace(/^.*<jose> /, ""));
      expect(order).toEqual(["held back", "after the held one"]);
    } finally {
      await sql.end();
    }
  });

  test("a web client resumes on the other node with nothing missed and nothing twice", async () => {
    const quim = await WsClient.login(fx.nodes[0]!.server.httpPort, "quim");
    fx.keep(quim);
    const rosa = await fx.terminal(1, "rosa");
    rosa.send("seen live");
    const live = await quim.waitFor((f) => f.text === "seen live", { timeout: 20000 });
    const token = (await quim.waitFor((f) => f.type === "welcome")).token;
    quim.close();
    await quim.waitClosed();
    const missed = ["gone 1", "gone 2", "gone 3"];
    for (const text of missed) rosa.send(text);
    rosa.send("!quim private while gone");
    await rosa.waitFor(/private while gone/);
    // Back through the other node: its token was signed by node a.
    const back = await WsClient.open(fx.nodes[1]!.server.httpPort);
    fx.keep(back);
    back.send({ type: "resume", token, since: live.id, room: "#lobby" });
    await back.waitFor((f) => f.text === "private while gone");
    rosa.send("after resume");
    await back.waitFor((f) => f.text === "after resume");
    expect(back.messages().map((f) => f.text)).toEqual([...missed, "private while gone", "after resume"]);
  });

  test("a message resent with the same client id through the other node is stored once", async () => {
    const ana = fx.keep(await WsClient.login(fx.nodes[0]!.server.httpPort, "cid_ana"));
    const beto = fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "cid_beto"));
    ana.send({ type: "say", text: "said once", cid: "cl-1" });
    ana.send({ type: "msg", to: "cid_beto", text: "whispered once", cid: "cl-2" });
    const said = await ana.waitFor((f) => f.type === "message" && f.cid === "cl-1");
    const whispered = await ana.waitFor((f) => f.type === "message" && f.cid === "cl-2");
    // The connection drops before the client is sure; it comes back through node b and resends both.
    ana.close();
    const again = fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "cid_ana"));
    again.send({ type: "say", text: "said once", cid: "cl-1" });
    again.send({ type: "msg", to: "cid_beto", text: "whispered once", cid: "cl-2" });
    expect((await again.waitFor((f) => f.type === "message" && f.cid === "cl-1")).id).toBe(said.id);
    expect((await again.waitFor((f) => f.type === "message" && f.cid === "cl-2")).id).toBe(whispered.id);
    again.send({ type: "say", text: "cid marker", cid: "cl-3" });
    for (const text of ["said once", "whispered once", "cid marker"]) await beto.waitFor((f) => f.type === "message" && f.text === text, { timeout: 20000 });
    // Each once, and the resends reached nobody but their sender (the marker, stored on node b, may overtake the others).
    expect(beto.messages().map((m) => m.text).sort()).toEqual(["cid marker", "said once", "whispered once"]);
    const sql = postgres(fx.pg.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`SELECT m.body FROM messages m JOIN users u ON u.id = m.sender_id WHERE u.nick_key = 'cid_ana' ORDER BY m.id`;
      expect(rows.map((r) => r.body)).toEqual(["said once", "whispered once", "cid marker"]);
    } finally {
      await sql.end();
    }
  });

  test("a batch too big to travel in its wake-up is read from the database by the other node", async () => {
    const ana = fx.keep(await WsClient.login(fx.nodes[0]!.server.httpPort, "big_ana"));
    const beto = fx.keep(await WsClient.login(fx.nodes[1]!.server.httpPort, "big_beto"));
    // 4,000 quotes: within maxLineBytes, but 8,000 bytes as JSON, past NOTIFY's 8,000-byte cap.
    const big = '"'.repeat(4000);
    ana.send({ type: "say", text: big });
    ana.send({ type: "say", text: "small after big" });
    await beto.waitFor((f) => f.type === "message" && f.text === "small after big", { timeout: 20000 });
    expect(beto.messages().map((m) => m.text)).toEqual([big, "small after big"]);
  });

  test("one admin token for every node", async () => {
    const [a, b] = [fx.nodes[0]!.dir, fx.nodes[1]!.dir].map((dir) => readFileSync(join(dir, "admin.token"), "utf8").trim());
    expect(a).toBe(b!);
    const res = await fetch(`http://127.0.0.1:${fx.nodes[1]!.server.httpPort}/admin/status`, { headers: { authorization: `Bearer ${a}` } });
    expect(res.status).toBe(200);
    const status = await res.json();
    expect(status.node).toBe("b");
    expect(status.nodes).toBeGreaterThanOrEqual(2);
    const listed = await admin(fx.nodes[1]!.dir, ["nodes", "--url", `http://127.0.0.1:${fx.nodes[0]!.server.httpPort}`, "--token", a!]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^NODE\s+USERS/m);
    expect(listed.stdout).toMatch(/^a\s+\d+/m);
    expect(listed.stdout).toMatch(/^b\s+\d+/m);
    const metrics = await (await fetch(`http://127.0.0.1:${fx.nodes[0]!.server.httpPort}/metrics`)).text();
    expect(metrics).toContain('chat_node_info{node="a"} 1');
  });

  test("a MOTD set on one node is the one every node shows at the next login", async () => {
    await fx.nodes[0]!.server.hub.operator.setMotd("Cluster-wide welcome", ["unused"]);
    const sara = await LineClient.open(fx.nodes[1]!.server.tcpPort);
    fx.keep(sara);
    // Each new connection is a new look at the banner: wait until node b has heard.
    await sara.waitForText("Nickname: ");
    let text = sara.text;
    for (let tries = 0; !text.includes("Cluster-wide welcome") && tries < 200; tries++) {
      const probe = await LineClient.open(fx.nodes[1]!.server.tcpPort);
      await probe.waitForText("Nickname: ");
      text = probe.text;
      probe.close();
    }
    expect(text).toContain("Cluster-wide welcome");
    await fx.nodes[0]!.server.hub.operator.setMotd(null, ["Welcome! Type /help for commands."]);
  });

  test("one account on two nodes: a room joined or left on one is joined or left on the other", async () => {
    const web = await WsClient.login(fx.nodes[0]!.server.httpPort, "tina");
    fx.keep(web);
    const term = await fx.terminal(1, "tina");
    term.send("/join #side");
    expect(await web.waitFor((f) => f.type === "membership" && f.room === "#side", { timeout: 20000 })).toMatchObject({ joined: true });
    term.send("said in side");
    expect(await web.waitFor((f) => f.type === "message" && f.text === "said in side", { timeout: 20000 })).toMatchObject({ room: "#side", from: "tina" });
    term.send("/leave #side");
    expect(await web.waitFor((f) => f.type === "membership" && f.room === "#side" && !f.joined, { timeout: 20000 })).toBeTruthy();
  });

});
