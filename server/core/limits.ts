// Fixed caps and the shape of the configurable limits. The config schema imports these, so the
// core never depends on the schema (or on zod); schema.ts checks that its output fits `Limits`.

/** The most maxFrameBytes may be; the WebSocket server refuses bigger frames outright. */
export const FRAME_BYTES_CAP = 1 << 24;
/** A status note, shown beside a nick. */
export const STATUS_NOTE_MAX_BYTES = 200;
/** A kick or quit reason, shown in other people's "went offline (…)" line. */
export const LEAVE_REASON_MAX_BYTES = 200;
/** A room's topic, shown on join. */
export const TOPIC_MAX_BYTES = 300;
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_BYTES = 256;
/** Nicks, room names and other one-word arguments longer than this are refused before any lookup. */
export const NAME_ARG_MAX_CHARS = 64;
/** Unread counts stop here ("9999+"): counting a year of a busy room would cost more than it tells. */
export const UNREAD_COUNT_CAP = 9999;

/** Lines in one message (frames may carry "\n"; a terminal's line never does). */
export const MESSAGE_LINES_MAX = 50;
/** Results /search shows, newest first, and the longest query it takes. */
export const SEARCH_RESULTS_MAX = 50;
export const SEARCH_QUERY_MAX_CHARS = 200;

/** What the operator may tune; every default lives in the config schema. */
export interface Limits {
  maxLineBytes: number;
  maxUnterminatedBytes: number;
  historyDefault: number;
  historyMax: number;
  maxQueuedLines: number;
  resumeMax: number;
  maxLoginAttempts: number;
  loginTimeoutSeconds: number;
  promptTimeoutSeconds: number;
  maxOutboundBytes: number;
  maxFrameBytes: number;
  closeGraceMs: number;
  stopDeadlineSeconds: number;
  maxConnectionsPerAddress: number;
  connectionsPerAddressPerMinute: number;
  messageBurstLines: number;
  messagesPerSecond: number;
  messageBurstBytes: number;
  messageBytesPerSecond: number;
  floodDelaySeconds: number;
  floodRefusalsBeforeDisconnect: number;
  loginFailuresBeforeBackoff: number;
  loginBackoffMaxSeconds: number;
  maxConcurrentHashes: number;
  hashQueueSeconds: number;
  hashQueuePerAddress: number;
  /** Days a room with no members is kept after it was made or last had a message; 0 keeps it forever. */
  emptyRoomDays: number;
  /** Addresses none of the throttles apply to (a trusted bouncer; a test harness on loopback). */
  exemptAddresses: string[];
}

/** How long a client message id is remembered: a client resends within minutes, not weeks. */
export const CLIENT_IDS_KEPT_MS = 7 * 24 * 3600 * 1000;
/** How often the older ones are forgotten, and long-empty rooms deleted (limits.emptyRoomDays). */
export const PRUNE_MS = 3600 * 1000;

/** How often the store's health is checked while it answers, and while it does not (to see it come back). */
export const STORE_PROBE_MS = 1000;
export const STORE_PROBE_DOWN_MS = 250;
/** A health ping that takes longer than this counts as the store being down: known within ~2 s. */
export const STORE_PING_TIMEOUT_MS = 1000;
