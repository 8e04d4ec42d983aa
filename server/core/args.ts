import { fail } from "./errors.ts";
import { NAME_ARG_MAX_CHARS } from "./limits.ts";
import { STATUSES, type InputContext, type Status, type Target } from "./types.ts";

// A command's arguments, declared once: the line parser, the WebSocket frame decoder, usage
// errors and /help all read the same declaration, so a typed line and a frame can never disagree.

export type ArgType =
  /** One word. */
  | "word"
  | "nick"
  /** "#dev" or "dev". */
  | "room"
  /** A room ("#dev") or a person ("ana"); in a frame, a `room` or `with` field. */
  | "target"
  /** The rest of the line. */
  | "text"
  /** A whole number from 1. */
  | "count"
  /** A message id. */
  | "id"
  | "status"
  /** A password: one word, never shown. */
  | "secret";

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  readonly optional?: boolean;
  /** How usage shows it, when not its name: "/msg <nick> <text>" for the `to` argument. */
  readonly label?: string;
}

type ArgValue<T extends ArgType> = T extends "count" | "id" ? number : T extends "target" ? Target : T extends "status" ? Status : string;

/** The arguments a handler receives for a declaration. */
export type ArgsOf<S extends readonly ArgSpec[]> = {
  [A in S[number] as A["name"]]: A extends { optional: true } ? ArgValue<A["type"]> | undefined : ArgValue<A["type"]>;
};

/** Status words, English and the original design's Spanish. */
const STATUS_WORDS: Record<string, Status> = {
  available: "available", disponible: "available",
  busy: "busy", ocupado: "busy",
  away: "away", ausente: "away",
};

/** "/msg <nick> <text>", with optional arguments in brackets. */
export function usageOf(name: string, specs: readonly ArgSpec[]): string {
  return [`/${name}`, ...specs.map(argUsage)].join(" ");
}

export function argUsage(spec: ArgSpec): string {
  const label = spec.type === "target" ? "nick|#room" : spec.type === "status" ? STATUSES.join("|") : (spec.label ?? spec.name);
  return spec.optional ? `[${label}]` : `<${label}>`;
}

/**
 * The arguments in what follows a command's name on a line. A word that does not fit an optional
 * argument leaves it out ("/history 50" is a count, not a nick); undefined means usage was wrong.
 */
export function argsFromLine(specs: readonly ArgSpec[], input: string): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  let rest = input.trim();
  for (const spec of specs) {
    if (spec.type === "text") {
      if (rest === "" && !spec.optional) return undefined;
      args[spec.name] = rest === "" ? undefined : rest;
      rest = "";
      continue;
    }
    const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!m) {
      if (!spec.optional) return undefined;
      continue;
    }
    const value = fromWord(spec.type, m[1]!);
    if (value === undefined) {
      if (!spec.optional) return undefined;
      continue;
    }
    args[spec.name] = value;
    rest = m[2]!;
  }
  return rest === "" ? args : undefined;
}

function fromWord(type: ArgType, word: string): unknown {
  switch (type) {
    case "count":
    case "id":
      return /^\d{1,15}$/.test(word) ? Number(word) : undefined;
    case "status":
      return STATUS_WORDS[word.toLowerCase()];
    case "target":
      // All digits is a count: "/history 50".
      if (/^\d+$/.test(word)) return undefined;
      return word.startsWith("#") ? { room: word } : { with: word };
    case "secret":
      return word;
    default:
      return [...word].length <= NAME_ARG_MAX_CHARS ? word : undefined;
  }
}

/** Fields every frame may carry besides its arguments. */
const FRAME_FIELDS = ["type", "to", "cid"];

// The fields each declaration allows, worked out once: frames are the hot path of a busy room.
const allowed = new WeakMap<readonly ArgSpec[], Set<string>>();

function fieldsOf(specs: readonly ArgSpec[]): Set<string> {
  let known = allowed.get(specs);
  if (!known) {
    known = new Set([...FRAME_FIELDS, ...specs.flatMap((s) => (s.type === "target" ? ["room", "with"] : [s.name]))]);
    allowed.set(specs, known);
  }
  return known;
}

/**
 * The arguments in a frame's fields. Missing or unfit arguments are a usage error (`usage` says
 * it), as on a line; a field no argument declares, or a value of the wrong JSON type, is a bad frame.
 */
export function argsFromFrame(specs: readonly ArgSpec[], usage: () => string, fields: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const known = fieldsOf(specs);
  for (const key in fields) {
    if (!known.has(key)) throw fail("bad_frame", { detail: `unknown field ${JSON.stringify(key)}` });
  }
  for (const spec of specs) {
    if (spec.type === "target") {
      const { room, with: peer } = fields;
      if (room !== undefined && peer !== undefined) throw fail("bad_frame", { detail: "give either room or with" });
      if (room !== undefined) args[spec.name] = { room: frameString("room", room) };
      else if (peer !== undefined) args[spec.name] = { with: frameString("with", peer) };
      else if (!spec.optional) throw fail("usage", { usage: usage() });
      continue;
    }
    const raw = fields[spec.name];
    if (raw === undefined || raw === null) {
      if (!spec.optional) throw fail("usage", { usage: usage() });
      continue;
    }
    args[spec.name] = fromField(spec, raw, usage);
  }
  return args;
}

function fromField(spec: ArgSpec, raw: unknown, usage: () => string): unknown {
  if (spec.type === "count" || spec.type === "id") {
    if (typeof raw !== "number") throw fail("bad_frame", { detail: `${spec.name}: expected a number` });
    if (!Number.isSafeInteger(raw) || raw < (spec.type === "count" ? 1 : 0)) throw fail("usage", { usage: usage() });
    return raw;
  }
  const text = frameString(spec.name, raw);
  if (spec.type === "text" || spec.type === "secret") return text;
  const value = fromWord(spec.type, text);
  if (value === undefined || text.trim() !== text || text === "") throw fail("usage", { usage: usage() });
  return value;
}

/** JSON can carry what a line from a terminal cannot: NUL and unpaired surrogates. Both are refused. */
function frameString(name: string, raw: unknown): string {
  if (typeof raw !== "string") throw fail("bad_frame", { detail: `${name}: expected a string` });
  if (raw.includes("\u0000")) throw fail("bad_frame", { detail: `${name}: must not contain NUL` });
  if (!raw.isWellFormed()) throw fail("bad_frame", { detail: `${name}: must not contain a lone surrogate` });
  return raw;
}

/** A client message id: what a client can make unique per user (a UUID, a counter), and no more. */
const CLIENT_ID = /^[\x21-\x7e]{1,64}$/;

/** The `to` and `cid` fields of a frame: the conversation its text belongs to, and the client's id for it. */
export function frameContext(fields: Record<string, unknown>): InputContext | undefined {
  if (fields.to === undefined && fields.cid === undefined) return undefined;
  const context: InputContext = {};
  if (fields.to !== undefined) {
    const to = frameString("to", fields.to);
    context.target = to.startsWith("#") ? { room: to } : { with: to };
  }
  if (fields.cid !== undefined) {
    const cid = frameString("cid", fields.cid);
    if (!CLIENT_ID.test(cid)) throw fail("bad_frame", { detail: "cid: 1 to 64 printable ASCII characters" });
    context.cid = cid;
  }
  return context;
}
