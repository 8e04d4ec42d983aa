import * as hdr from "hdr-histogram-js";
import { concat, connect, type BenchClient, type Protocol } from "./protocols.ts";
import { nowMicros, payload, scan } from "./payload.ts";
import { latencyHistogram } from "../lib/result.ts";

// One load generator process. It connects its clients, says "ready", then obeys lines on stdin:
// start (send), measure (count from now), stop (report), exit. Results go to stdout as JSON.

export interface Job {
  proc: number;
  protocol: Protocol;
  /** Addresses to spread connections over (each 127.0.0.x gives another ~28k source ports). */
  hosts: string[];
  port: number;
  /** Several servers (the nodes of a cluster): client i connects to ports[i % ports.length] instead of `port`. */
  ports?: number[];
  nicks: string[];
  password: string;
  /** closed: each client sends when the previous round has fully arrived; open: a fixed rate; idle: never. */
  mode: "closed" | "open" | "idle";
  /** Deliveries each client receives per round in closed mode. */
  expectedPerRound: number;
  /** Messages per second this process sends in open mode. */
  ratePerSec?: number;
  payloadBytes: number;
  afterWelcome?: string[];
  /** Connections opened at once; more would only queue in the server's accept backlog. */
  connectConcurrency: number;
}

export interface WorkerResult {
  deliveries: number;
  sent: number;
  seconds: number;
  cpuSeconds: number;
  histogram: string;
  /** A cluster: deliveries to a client on another node than the sender's. */
  crossHistogram?: string;
  closed: number;
  reasons: string[];
}

const job: Job = JSON.parse(process.argv[2]!);
const out = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");

interface Slot {
  client: BenchClient;
  sentRounds: number;
  received: number;
  /** The start of a payload cut short at the end of the last chunk. */
  carry: Uint8Array | null;
  /** The node (index into job.ports) this client is connected to; 0 with one server. */
  node: number;
}

// A payload's first field tells who sent it: this process and the sender's node, as
// proc * NODES + node, so a cluster's cross-node deliveries can be told apart.
const NODES = 100;
const clustered = (job.ports?.length ?? 0) > 1;

const histogram = latencyHistogram();
const crossHistogram = latencyHistogram();
const slots: Slot[] = [];
let sending = false;
let measuring = false;
let deliveries = 0;
let sent = 0;
let closed = 0;
const reasons = new Set<string>();

let now = 0;
let counted = 0;
/** The node of the client whose bytes are being scanned. */
let receiver = 0;
const seen = (origin: number, micros: number) => {
  counted++;
  if (!measuring || Math.floor(origin / NODES) !== job.proc) return;
  const latency = Math.max(1, now - micros);
  histogram.recordValue(latency);
  if (clustered && origin % NODES !== receiver) crossHistogram.recordValue(latency);
};

function received(slot: Slot, chunk: Uint8Array) {
  now = nowMicros();
  counted = 0;
  receiver = slot.node;
  const bytes = slot.carry ? concat(slot.carry, chunk) : chunk;
  const cut = scan(bytes, seen);
  slot.carry = cut < bytes.length ? bytes.slice(cut) : null;
  const n = counted;
  if (measuring) deliveries += n;
  slot.received += n;
  if (sending && job.mode === "closed" && slot.received >= slot.sentRounds * job.expectedPerRound) send(slot, now);
}

function send(slot: Slot, micros: number) {
  slot.sentRounds++;
  if (measuring) sent++;
  slot.client.send(payload(job.proc * NODES + slot.node, micros, job.payloadBytes));
}

async function connectAll() {
  let next = 0;
  let ready = 0;
  await new Promise<void>((resolve, reject) => {
    const open = () => {
      if (next >= job.nicks.length) return;
      const i = next++;
      const node = job.ports?.length ? i % job.ports.length : 0;
      const slot: Slot = { client: null as unknown as BenchClient, sentRounds: 0, received: 0, carry: null, node };
      let isReady = false;
      slot.client = connect(job.protocol, {
        host: job.hosts[i % job.hosts.length]!,
        port: job.ports?.length ? job.ports[node]! : job.port,
        nick: job.nicks[i]!,
        password: job.password,
        login: job.mode !== "idle",
        afterWelcome: job.afterWelcome,
        onData: (bytes) => received(slot, bytes),
        onReady: () => {
          isReady = true;
          slots.push(slot);
          if (++ready === job.nicks.length) resolve();
          else open();
        },
        onClose: (reason) => {
          closed++;
          reasons.add(reason);
          if (!isReady) reject(new Error(`client ${job.nicks[i]} failed before it was ready: ${reason}`));
        },
      });
    };
    for (let k = 0; k < job.connectConcurrency; k++) open();
  });
}

let openTimer: ReturnType<typeof setInterval> | null = null;

function start() {
  sending = true;
  const now = nowMicros();
  if (job.mode === "closed") for (const slot of slots) send(slot, now);
  if (job.mode === "open") {
    // Each message is stamped with the time it was due, not when it went out, so a stalled
    // generator or server shows up as latency instead of silently lowering the rate.
    const rate = job.ratePerSec!;
    const t0 = now;
    let k = 0;
    openTimer = setInterval(() => {
      // Message k is due at t0 + k/rate, so by time t, floor((t - t0) * rate) + 1 are due.
      const due = Math.floor(((nowMicros() - t0) * rate) / 1e6) + 1;
      for (; k < due; k++) send(slots[k % slots.length]!, t0 + Math.round((k * 1e6) / rate));
    }, 1);
  }
}

let window0 = 0;
let cpu0 = process.cpuUsage();

async function main() {
  try {
    await connectAll();
  } catch (e) {
    out({ event: "error", message: String(e) });
    process.exit(1);
  }
  out({ event: "ready", clients: slots.length });
  for await (const line of console) {
    const command = line.trim();
    if (command === "start") start();
    else if (command === "measure") {
      measuring = true;
      deliveries = 0;
      sent = 0;
      histogram.reset();
      crossHistogram.reset();
      window0 = performance.now();
      cpu0 = process.cpuUsage();
    } else if (command === "stop") {
      const seconds = (performance.now() - window0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      measuring = false;
      sending = false;
      if (openTimer) clearInterval(openTimer);
      const result: WorkerResult = {
        deliveries,
        sent,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        histogram: hdr.encodeIntoCompressedBase64(histogram),
        ...(clustered ? { crossHistogram: hdr.encodeIntoCompressedBase64(crossHistogram) } : {}),
        closed,
        reasons: [...reasons].slice(0, 5),
      };
      out({ event: "result", result });
    } else if (command === "exit") {
      for (const slot of slots) slot.client.close();
      process.exit(0);
    }
  }
}

await main();
