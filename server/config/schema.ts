import { z } from "zod";
import { FRAME_BYTES_CAP, type Limits } from "../core/limits.ts";

// Every default of the server lives here, described once; the rest of the code reads the parsed config.

const port = z.number().int().min(0).max(65535);

// Either { url } or the credentials-file shape of the original design (utils/credentials_db.json).
// One object with a refinement, rather than a union, so an error names the field that is wrong.
const databaseSchema = z.strictObject({
  url: z.string().min(1).optional().describe("postgres://user:password@host:port/database"),
  host: z.string().min(1).optional(),
  port: port.optional(),
  user: z.string().min(1).optional(),
  password: z.string().optional(),
  database: z.string().min(1).optional(),
}).superRefine((db, ctx) => {
  const fields = ["host", "port", "user", "password", "database"] as const;
  if (db.url !== undefined) {
    const extra = fields.find((f) => db[f] !== undefined);
    if (extra) ctx.addIssue({ code: "custom", path: [extra], message: "give either url or host/port/user/password/database, not both" });
  } else {
    for (const f of ["user", "database"] as const) {
      if (db[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "is required (or give url)" });
    }
  }
}).transform((db) => {
  if (db.url) return db.url;
  const auth = encodeURIComponent(db.user!) + (db.password ? `:${encodeURIComponent(db.password)}` : "");
  return `postgres://${auth}@${db.host ?? "localhost"}:${db.port ?? 5432}/${encodeURIComponent(db.database!)}`;
});

export const limitsSchema = z.strictObject({
  maxLineBytes: z.number().int().min(64).max(1 << 20).default(4096)
    .describe("Longest line (or message text) a client may send"),
  maxUnterminatedBytes: z.number().int().min(1024).max(1 << 24).default(16384)
    .describe("Unterminated input past this closes the connection"),
  historyDefault: z.number().int().min(1).max(1000).default(20)
    .describe("Messages shown by /history and replayed on /join"),
  historyMax: z.number().int().min(1).max(10000).default(200),
  maxQueuedLines: z.number().int().min(1).max(100000).default(1000)
    .describe("Lines and frames a session may have waiting while an earlier one runs; more closes it as a flood"),
  resumeMax: z.number().int().min(1).max(100000).default(1000)
    .describe("Most missed messages a reconnecting web client is sent"),
  maxLoginAttempts: z.number().int().min(1).max(100).default(3),
  loginTimeoutSeconds: z.number().int().min(5).max(3600).default(60)
    .describe("A connection that has not logged in by then is closed"),
  promptTimeoutSeconds: z.number().int().min(1).max(3600).default(120)
    .describe("Time to answer a prompt, such as /password's, before the command gives up"),
  maxOutboundBytes: z.number().int().min(64 * 1024).max(1 << 30).default(4 * 1024 * 1024)
    .describe("A client that falls this far behind is disconnected"),
  maxFrameBytes: z.number().int().min(1024).max(FRAME_BYTES_CAP).default(16384)
    .describe("Largest WebSocket frame a client may send; bigger ones close the connection with 1009"),
  closeGraceMs: z.number().int().min(0).max(60_000).default(5000)
    .describe("How long a closing telnet connection may take to send what is queued before it is cut"),
  stopDeadlineSeconds: z.number().int().min(1).max(3600).default(10)
    .describe("A stop or restart that takes longer exits the process with status 1"),
  // Limits and abuse: every throttle, per address or per account (README "Limits and abuse").
  maxConnectionsPerAddress: z.number().int().min(1).max(1_000_000).default(16)
    .describe("Open connections from one IP address, telnet and WebSocket together"),
  connectionsPerAddressPerMinute: z.number().int().min(1).max(1_000_000).default(30)
    .describe("New connections one IP address may open in a minute"),
  messageBurstLines: z.number().int().min(1).max(1_000_000).default(20)
    .describe("Lines (or frames) a user may send at once before they are slowed"),
  messagesPerSecond: z.number().min(0.1).max(1_000_000).default(2)
    .describe("Lines per second a user may keep sending"),
  messageBurstBytes: z.number().int().min(1024).max(1 << 30).default(8192)
    .describe("Bytes of text a user may send at once before they are slowed"),
  messageBytesPerSecond: z.number().int().min(64).max(1 << 30).default(1024)
    .describe("Bytes of text per second a user may keep sending"),
  floodDelaySeconds: z.number().min(0).max(600).default(5)
    .describe("Longest a line waits when its sender is over the rate; a line that would wait longer is refused"),
  floodRefusalsBeforeDisconnect: z.number().int().min(1).max(1_000_000).default(100)
    .describe("Refused lines in one flood before the sender is disconnected"),
  loginFailuresBeforeBackoff: z.number().int().min(1).max(1000).default(5)
    .describe("Wrong passwords from one address, or for one account, before each further attempt must wait"),
  loginBackoffMaxSeconds: z.number().int().min(1).max(86400).default(300)
    .describe("The wait doubles from 1 s with each further failure, up to this"),
  maxConcurrentHashes: z.number().int().min(1).max(64).default(2)
    .describe("Password hashes (argon2) computed at once; more wait in a queue, fair between addresses"),
  hashQueueSeconds: z.number().int().min(1).max(600).default(10)
    .describe("Longest a login waits for its password to be checked before it is refused as busy"),
  hashQueuePerAddress: z.number().int().min(1).max(100_000).default(4)
    .describe("Logins from one address that may wait for a password check at once"),
  emptyRoomDays: z.number().int().min(0).max(36_500).default(30)
    .describe("A room nobody belongs to is deleted, with its messages, once this many days passed since it was made or last had a message; 0 keeps such rooms forever"),
  exemptAddresses: z.array(z.string().min(1)).default([])
    .describe("IP addresses no throttle applies to (loopback is not exempt unless listed)"),
}).prefault({});

export const webSchema = z.strictObject({
  allowedOrigins: z.array(z.string().url()).default([])
    .describe("Origins besides the server's own whose pages may open /ws"),
  resumeTokenHours: z.number().int().min(1).max(24 * 365).default(24 * 7)
    .describe("How long a web client's resume token stays valid"),
}).prefault({});

export const adminSchema = z.strictObject({
  token: z.string().min(16).optional()
    .describe("Bearer token for /admin/; absent means a random one kept in <dataDir>/admin.token"),
  allowRemote: z.boolean().default(false)
    .describe("Answer /admin/ calls from addresses other than loopback"),
}).prefault({});

export const logSchema = z.strictObject({
  maxBytes: z.number().int().min(1024).max(1 << 30).default(10 * 1024 * 1024)
    .describe("Size at which <dataDir>/logs/chat.log is rotated"),
  files: z.number().int().min(1).max(100).default(5)
    .describe("Rotated files kept (chat.log.1 … chat.log.N)"),
}).prefault({});

export const nodeSchema = z.strictObject({
  name: z.string().min(1).max(100).optional()
    .describe("This node's name, in `chat admin status`, `chat admin nodes` and /metrics; absent: the host name and tcpPort"),
}).prefault({});

export const clusterSchema = z.strictObject({
  enabled: z.boolean().default(false)
    .describe("Share rooms, presence and live delivery with every other node whose `database` is the same (a real PostgreSQL)"),
  heartbeatSeconds: z.number().min(0.1).max(60).default(3)
    .describe("How often a node says it is alive"),
  deadAfterSeconds: z.number().min(1).max(600).default(15)
    .describe("A node silent this long is declared dead by the others, and its users shown offline"),
  pollSeconds: z.number().min(0.1).max(60).default(1.5)
    .describe("Safety poll for messages whose wake-up was lost"),
}).prefault({});

export const LETS_ENCRYPT = "https://acme-v02.api.letsencrypt.org/directory";
export const LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";

// A certificate obtained and renewed by chat itself (server/tls/acme.ts), instead of cert and key.
export const acmeSchema = z.strictObject({
  domain: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, "expected a domain name such as chat.example.org")
    .describe("The name the certificate is for; the CA checks it by fetching http://DOMAIN/.well-known/acme-challenge/, which must reach httpPort"),
  email: z.email().describe("Where the CA sends warnings about the certificate"),
  directory: z.url().optional().describe("The ACME directory; Let's Encrypt's (its staging one when staging is true) by default"),
  staging: z.boolean().default(false).describe("Let's Encrypt's staging CA: untrusted certificates, for a try without its rate limits"),
  renewBeforeDays: z.number().int().min(1).max(60).default(30).describe("Renew when fewer days than this remain"),
  checkHours: z.number().positive().max(24 * 7).default(24).describe("How often the certificate's expiry is checked"),
  retryMinutes: z.number().positive().max(24 * 60).default(1)
    .describe("After a failed order, the first retry; each further failure doubles the wait, up to checkHours"),
}).transform((a) => ({ ...a, directory: a.directory ?? (a.staging ? LETS_ENCRYPT_STAGING : LETS_ENCRYPT) }));

// TLS is on when this block is present. `chat admin reload` and SIGHUP read the files again.
export const tlsSchema = z.strictObject({
  cert: z.string().min(1).optional().describe("PEM certificate chain file"),
  key: z.string().min(1).optional().describe("PEM private key file"),
  acme: acmeSchema.optional().describe("Obtain and renew the certificate automatically, instead of cert and key"),
  hsts: z.boolean().default(true).describe("Send Strict-Transport-Security on HTTPS answers"),
}).superRefine((tls, ctx) => {
  if (tls.acme && (tls.cert || tls.key)) {
    ctx.addIssue({ code: "custom", path: ["acme"], message: "comes instead of cert and key; give one or the other" });
  } else if (!tls.acme) {
    for (const field of ["cert", "key"] as const) {
      if (!tls[field]) ctx.addIssue({ code: "custom", path: [field], message: "is required (or give an acme block instead of cert and key)" });
    }
  }
});

export const passwordHashSchema = z.strictObject({
  // Bun's (and OWASP's first) argon2id setting. Lower costs make a stolen hash cheaper to guess;
  // the test harness lowers it because hashing is not what most tests are about.
  memoryKiB: z.number().int().min(8).max(4 * 1024 * 1024).default(65536)
    .describe("argon2id memory per new password hash, in KiB"),
  passes: z.number().int().min(1).max(20).default(2)
    .describe("argon2id passes per new password hash"),
}).prefault({});

export const configSchema = z.strictObject({
  host: z.string().min(1).default("0.0.0.0"),
  tcpPort: port.default(12345),
  httpPort: port.default(8080),
  tlsPort: port.default(12346).describe("Telnet over TLS, beside tcpPort, when tls is set"),
  httpsPort: port.default(8443).describe("HTTPS and wss://, beside httpPort, when tls is set"),
  tls: tlsSchema.optional().describe("Absent: no TLS listeners"),
  serverName: z.string().min(1).max(64).default("chat"),
  motd: z.union([z.string(), z.array(z.string())]).default("Welcome! Type /help for commands.")
    .transform((m) => (Array.isArray(m) ? m : m.split(/\r?\n/))),
  dataDir: z.string().min(1).default("./chat-data"),
  reservedNicks: z.array(z.string().min(1)).default([])
    .describe("Nicks nobody may register, besides admin, system, server, root, operator and serverName"),
  database: databaseSchema.optional()
    .describe("A real PostgreSQL server, normalized to a URL; absent means the embedded store (localhost:5432 when fields are left out)"),
  limits: limitsSchema,
  passwordHash: passwordHashSchema
    .describe("Cost of new password hashes; existing hashes keep theirs, which is stored in them"),
  web: webSchema,
  admin: adminSchema,
  log: logSchema,
  node: nodeSchema,
  cluster: clusterSchema,
  trustedProxies: z.array(z.string().regex(/^[0-9a-fA-F:.]+$/, "expected an IP address")).default([])
    .describe("Balancers' addresses: their telnet connections start with a PROXY protocol header (v1 or v2), and their X-Forwarded-For is believed"),
}).superRefine((config, ctx) => {
  if (config.cluster.enabled && !config.database) {
    ctx.addIssue({ code: "custom", path: ["cluster", "enabled"], message: "needs a real PostgreSQL (`database` or DATABASE_URL); the embedded store is single-node" });
  }
});

export type Config = z.output<typeof configSchema>;
// The core reads limits through its own interface; this fails to compile when the two part ways.
const _limitsFit: Limits = {} as z.output<typeof limitsSchema>;
void _limitsFit;
