// Fixed caps and the shape of the configurable limits. The config schema imports these, so the
// core never depends on the schema (or on zod); schema.ts checks that its output fits `Limits`.

/** The most maxFrameBytes may be; the WebSocket server refuses bigger frames outright. */
export const FRAME_BYTES_CAP = 1 << 24;
/** A status note, shown beside a nick. */
export const STATUS_NOTE_MAX_BYTES = 200;
/** A kick or quit reason, shown in other people's "went offline (…)" line. */
export const LEAVE_REASON_MAX_BYTES = 200;
export const PASSWORD_MIN_CHARS = 4;
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
}
