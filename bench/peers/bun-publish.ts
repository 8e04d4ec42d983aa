// The runtime's limit: Bun's own pub/sub with nothing parsed, checked or stored. No chat written
// on Bun fans a room out faster than this, so the other servers' numbers are read against it.
// Usage: bun bench/peers/bun-publish.ts <port>

const port = Number(process.argv[2] ?? process.env.PORT ?? 3000);

const server = Bun.serve({
  port,
  fetch(req, server) {
    if (server.upgrade(req)) return;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    open(ws) {
      ws.subscribe("room");
    },
    // server.publish, unlike ws.publish, reaches the sender too, as our chat does.
    message(_ws, text) {
      server.publish("room", text);
    },
  },
});

console.log(`listening ${server.port}`);
