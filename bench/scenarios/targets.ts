import { BENCH_PASSWORD, benchNicks, startChat, startChatCluster } from "../lib/chat-server.ts";
import { pin, SERVER_CORE } from "../lib/pin.ts";
import { freePort } from "../lib/ports.ts";
import { echoes, type Protocol } from "../gen/protocols.ts";
import { ensureInspircd, ensureNgircd, startInspircd, startNgircd } from "../peers/ircd.ts";
import { startBunPublish, startNodeWs } from "../peers/peer.ts";
import { renderJson } from "../../server/render/json.ts";

// Every server a scenario can drive, started fresh for each run, pinned to the server core.

export interface Running {
  pid: number;
  port: number;
  /** Ours: the HTTP/WebSocket port beside the telnet one. */
  httpPort?: number;
  /** A cluster: every node's port, over which the clients are spread (`pid` and `port` are the first node's). */
  ports?: number[];
  /** A cluster: every node's process; their CPU is added up (`pid` alone is the first node). */
  pids?: number[];
  /** Resolves once what the clients' logins set off has settled (a cluster's presence reaching every node), so it is not measured. */
  settled?(): Promise<void>;
  /** PostgreSQL's postmaster, whose CPU is reported beside the server's. */
  helperPid?: number;
  afterWelcome?: (nick: string) => string[];
  /** Forces a full GC, where the server can (ours, for idle-connection memory). */
  gc?(): void;
  stop(): Promise<void>;
}

export interface Target {
  /** As it appears in the results: "chat (…)" for us, else the peer's name. */
  name: string;
  protocol: Protocol;
  /** Bytes each message carries, when not the scenario's own size. */
  payloadBytes?: number;
  /** Installs what the target needs (checks, where installing is not allowed); throws when it cannot. */
  prepare?(): void;
  start(clients: number): Promise<Running>;
}

export interface BenchEnv {
  pgUrl: string;
  pgPid: number;
}

export const chatTcp = (env: BenchEnv): Target => ({
  name: "chat (TCP)",
  protocol: "chat-tcp",
  start: async (clients) => {
    const chat = await startChat(env.pgUrl, clients);
    return { pid: chat.pid, port: chat.tcpPort, httpPort: chat.httpPort, helperPid: env.pgPid, gc: chat.gc, stop: chat.stop };
  },
});

export const chatWs = (env: BenchEnv): Target => ({
  name: "chat (WebSocket)",
  protocol: "chat-ws",
  start: async (clients) => {
    const chat = await startChat(env.pgUrl, clients);
    return { pid: chat.pid, port: chat.httpPort, helperPid: env.pgPid, gc: chat.gc, stop: chat.stop };
  },
});

/**
 * Our server as `nodes` processes on one database, clients spread over them round robin, so most
 * deliveries cross from the sender's node to another's. One node runs without clustering: the baseline.
 */
export const chatCluster = (env: BenchEnv, nodes: number): Target => ({
  name: `chat (${nodes} node${nodes === 1 ? "" : "s"}, TCP)`,
  protocol: "chat-tcp",
  start: async (clients) => {
    const cluster = await startChatCluster(env.pgUrl, clients, nodes);
    return {
      pid: cluster.pids[0]!, pids: cluster.pids, port: cluster.tcpPorts[0]!, ports: cluster.tcpPorts, helperPid: env.pgPid,
      settled: () => cluster.settled(clients), stop: cluster.stop,
    };
  },
});

export const ngircd: Target = {
  name: "ngircd",
  protocol: "irc",
  prepare: ensureNgircd,
  start: async (clients) => pinnedPeer(startNgircd({ port: freePort(), maxClients: clients })),
};

export const inspircd: Target = {
  name: "inspircd",
  protocol: "irc",
  prepare: ensureInspircd,
  start: async (clients) => pinnedPeer(startInspircd({ port: freePort(), maxClients: clients })),
};

export const bunPublish: Target = {
  name: "bun-publish",
  protocol: "ws-raw",
  start: async () => pinnedPeer(startBunPublish(freePort())),
};

/**
 * What our server sends a WebSocket client for one bench message: the 64-byte text wrapped in a
 * message frame with its id, sender, room and time.
 */
export const CHAT_FRAME_BYTES = renderJson({
  type: "message",
  message: { id: 1_000_000, kind: "public", from: "b999", room: "#lobby", text: "x".repeat(64), at: new Date() },
}, "en").length;

/**
 * The raw peer again, fed frames as long as ours: the runtime's limit for the bytes our protocol
 * sends. A reference beside the target (which is the 64-byte peer), not a replacement.
 */
export const bunPublishSized: Target = {
  name: `bun-publish (${CHAT_FRAME_BYTES}-byte frames)`,
  protocol: "ws-raw",
  payloadBytes: CHAT_FRAME_BYTES,
  start: bunPublish.start,
};

export const nodeWs: Target = {
  name: "node-ws",
  protocol: "ws-json",
  start: async () => pinnedPeer(startNodeWs(freePort())),
};

async function pinnedPeer(starting: ReturnType<typeof startBunPublish>): Promise<Running> {
  const peer = await starting;
  pin(peer.pid, SERVER_CORE);
  return peer;
}

/** Deliveries each client gets per round when every client in the room sends one message. */
export const perRound = (target: Target, clients: number) => (echoes[target.protocol] ? clients : clients - 1);

export { BENCH_PASSWORD, benchNicks };
