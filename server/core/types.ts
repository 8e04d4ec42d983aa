// The chat's data as the core sees it. Nothing here knows about sockets or SQL.

export const STATUSES = ["available", "busy", "away"] as const;
export type Status = (typeof STATUSES)[number];

export type MessageKind = "public" | "private" | "emote";

export interface User {
  id: number;
  nick: string;
  passwordHash: string;
  createdAt: Date;
  lastSeen: Date | null;
  status: Status;
  statusNote: string;
  pmReadId: number;
}

export interface Room {
  id: number;
  name: string;
  createdAt: Date;
}

/** A message as it is delivered and shown: room messages have `room`, private ones `to`. */
export interface ChatMessage {
  id: number;
  kind: MessageKind;
  from: string;
  room?: string;
  to?: string;
  text: string;
  at: Date;
}

export interface NewMessage {
  kind: MessageKind;
  senderId: number;
  from: string;
  roomId?: number;
  room?: string;
  recipientId?: number;
  to?: string;
  text: string;
}

export interface Profile {
  user: User;
  messagesSent: number;
}

/** A nick refused at login, until a time or (until null) until unbanned. */
export interface Ban {
  nick: string;
  until: Date | null;
  reason: string;
  createdAt: Date;
  createdBy: string;
}
