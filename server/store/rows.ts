import type { Ban, ChatMessage, MessageKind, Room, User } from "../core/types.ts";

// Rows as the database returns them, turned into the core's types.

export interface MessageRow {
  mentioned: string[] | null;
  id: number | string;
  kind: MessageKind;
  body: string;
  created_at: Date;
  from_nick: string;
  room_name: string | null;
  to_nick: string | null;
}

export function toUser(r: Record<string, any>): User {
  return {
    id: Number(r.id),
    nick: r.nick,
    passwordHash: r.password_hash,
    createdAt: new Date(r.created_at),
    lastSeen: r.last_seen ? new Date(r.last_seen) : null,
    status: r.status,
    statusNote: r.status_note,
    settings: typeof r.settings === "string" ? JSON.parse(r.settings) : (r.settings ?? {}),
  };
}

export function toBan(r: Record<string, any>): Ban {
  return {
    nick: r.nick,
    until: r.until ? new Date(r.until) : null,
    reason: r.reason,
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
  };
}

export function toRoom(r: Record<string, any>): Room {
  return { id: Number(r.id), name: r.name, createdAt: new Date(r.created_at) };
}

export function toMessage(r: MessageRow): ChatMessage {
  const m: ChatMessage = { id: Number(r.id), kind: r.kind, from: r.from_nick, text: r.body, at: new Date(r.created_at) };
  if (r.room_name !== null) m.room = r.room_name;
  if (r.to_nick !== null) m.to = r.to_nick;
  if (r.mentioned?.length) m.mentions = r.mentioned;
  return m;
}
