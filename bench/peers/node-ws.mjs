// What a small Node.js chat typically is: the ws package, the nick taken from the URL, JSON in and
// out, one room. Each message is encoded once and the same string is written to every open client.
// Usage: node bench/peers/node-ws.mjs <port>

import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);
const ERROR = JSON.stringify({ type: "error" });

const http = createServer((_req, res) => res.writeHead(426).end("WebSocket only"));
const wss = new WebSocketServer({ server: http });

wss.on("connection", (ws, req) => {
  const nick = new URL(req.url ?? "/", "http://localhost").searchParams.get("nick") || "anonymous";
  ws.on("message", (data) => {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return ws.send(ERROR);
    }
    if (msg?.type !== "say" || typeof msg.text !== "string") return ws.send(ERROR);
    const out = JSON.stringify({ type: "message", from: nick, text: msg.text, at: new Date().toISOString() });
    for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(out);
  });
});

http.listen(port, () => console.log(`listening ${http.address().port}`));
