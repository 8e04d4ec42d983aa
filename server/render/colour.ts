// ANSI colour for terminals that take it. Applied after the text is cleaned: users' text can never
// carry an escape of its own, and these are the only ones a terminal receives from us.

import { foldKey } from "../core/names.ts";
import type { ChatMessage } from "../core/types.ts";

const RESET = "\x1b[0m";
/** System lines (joins, notices, errors) and timestamps: out of the way of what people say. */
const MUTED = "\x1b[90m";
/** The viewer's own messages. */
const DIM = "\x1b[2m";
/** A line that names the viewer. */
const HIGHLIGHT = "\x1b[1;33m";
export const BELL = "\x07";

// Readable on dark and light backgrounds; no black, white, grey or the highlight's yellow.
const NICK_COLOURS = [31, 32, 34, 35, 36, 91, 92, 94, 95, 96, 33, 93].map((c) => `\x1b[${c}m`);

/** The same colour for a nick everywhere and every time (a hash of its folded form). */
export function nickColour(nick: string): string {
  let h = 2166136261;
  for (const ch of foldKey(nick)) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
  return NICK_COLOURS[(h >>> 0) % NICK_COLOURS.length]!;
}

export function muted(line: string): string {
  return MUTED + line + RESET;
}

export function highlighted(line: string): string {
  return HIGHLIGHT + line + RESET;
}

// A room message is asked about once per viewer, in a row: its folded names are worked out once.
let lastKeys: { m: ChatMessage | null; from: string; named: string[] } = { m: null, from: "", named: [] };

/**
 * How a message concerns its viewer (`me`, folded with foldKey): their own, or one that names them
 * or is addressed to them.
 */
export function concern(m: ChatMessage, me: string | undefined): "own" | "named" | null {
  if (me === undefined) return null;
  if (lastKeys.m !== m) {
    const named = (m.mentions ?? []).map(foldKey);
    if (m.to !== undefined) named.push(foldKey(m.to));
    lastKeys = { m, from: foldKey(m.from), named };
  }
  if (lastKeys.from === me) return "own";
  return lastKeys.named.includes(me) ? "named" : null;
}

/**
 * A message line in colour, from its already cleaned parts: the stamp muted, the nick in its
 * colour; the whole line dimmed when it is the viewer's own, highlighted when it names them.
 */
export function colourMessage(stamp: string, m: ChatMessage, text: string, how: "own" | "named" | null, clean: (s: string) => string): string {
  const nick = (n: string) => nickColour(n) + clean(n) + RESET;
  const at = MUTED + stamp + RESET;
  const body = how === "named" ? HIGHLIGHT + text + RESET : text;
  let line: string;
  if (m.to !== undefined) line = `${at} [${nick(m.from)} → ${nick(m.to)}] ${m.kind === "emote" ? `* ${nick(m.from)} ${body}` : body}`;
  else line = m.kind === "emote" ? `${at} * ${nick(m.from)} ${body}` : `${at} <${nick(m.from)}> ${body}`;
  return how === "own" ? DIM + line.replaceAll(RESET, RESET + DIM) + RESET : line;
}
