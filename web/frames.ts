// Small helpers around the protocol (server/ws/protocol.ts, the one description of the frames).

import type { ChatMessage, ServerFrame } from "../server/ws/protocol.ts";

/** Parses one text frame; anything that is not an object with a string `type` is ignored. */
export function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  try {
    const v: unknown = JSON.parse(data);
    if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") return v as ServerFrame;
  } catch {
    // Not JSON: ignored.
  }
  return null;
}

/** Case-insensitive key for a nick or room name, as the server folds them. */
export function nickKey(nick: string): string {
  return nick.normalize("NFC").toLowerCase();
}

export function sameName(a: string, b: string): boolean {
  return nickKey(a) === nickKey(b);
}

/**
 * A conversation is named as a frame's `to` names it: "#room" or a nick (nicks never start
 * with "#"). Its key is that name folded.
 */
export function conversationKey(to: string): string {
  return nickKey(to);
}

export function isRoom(to: string): boolean {
  return to.startsWith("#");
}

/** The `room` or `with` field that frames like read and history take for a conversation. */
export function where(to: string): { room: string } | { with: string } {
  return isRoom(to) ? { room: to } : { with: to };
}

/** The conversation a message belongs to, seen by `me`: its room, or the other person. */
export function conversationOf(m: ChatMessage, me: string): string {
  if (m.room !== undefined) return m.room;
  return sameName(m.from, me) ? m.to ?? m.from : m.from;
}

export function mentionsMe(m: ChatMessage, me: string): boolean {
  return !!m.mentions?.some((n) => sameName(n, me));
}

/**
 * What a topic notice says as data (its `params`, never its words): the room and its topic now,
 * "" when it has none. Null for any other notice.
 */
export function topicOf(key: string, params: Record<string, unknown>): { room: string; topic: string } | null {
  if (!["topic_is", "topic_none", "topic_set", "topic_cleared"].includes(key) || typeof params.room !== "string") return null;
  return { room: params.room, topic: typeof params.topic === "string" ? params.topic : "" };
}
