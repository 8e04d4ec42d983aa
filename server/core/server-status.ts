import type { Hub } from "./hub.ts";
import type { Status } from "./types.ts";

// What the operator's status and user listings report, gathered from the hub and the store.

export interface ServerStatus {
  uptimeSeconds: number;
  startedAt: string;
  store: { kind: string; healthy: boolean; error?: string };
  connections: Record<string, number>;
  usersOnline: number;
  rooms: { total: number; occupied: number };
  messagesStored: number | null;
  messagesPerSecond: number;
}

export interface SessionInfo {
  nick: string;
  status: Status;
  note: string;
  room: string | null;
  transport: string;
  remote: string;
  connectedAt: string;
}

/** Whether the store answers; the reason when it does not is for the log, not for the caller. */
export async function storeHealth(hub: Hub): Promise<{ kind: string; healthy: boolean; error?: string }> {
  try {
    await hub.store.ping();
    return { kind: hub.store.kind, healthy: true };
  } catch (e) {
    return { kind: hub.store.kind, healthy: false, error: String(e) };
  }
}

export function uptimeSeconds(hub: Hub): number {
  return Math.floor((Date.now() - hub.startedAt.getTime()) / 1000);
}

/** Open connections by transport, logged in or not; both transports listed even at zero. */
export function connectionsByTransport(hub: Hub): Record<string, number> {
  const connections: Record<string, number> = { tcp: 0, ws: 0 };
  for (const s of hub.sessions) connections[s.sink.transport] = (connections[s.sink.transport] ?? 0) + 1;
  return connections;
}

export async function serverStatus(hub: Hub): Promise<ServerStatus> {
  const connections = connectionsByTransport(hub);
  let store: ServerStatus["store"] = { kind: hub.store.kind, healthy: true };
  let messagesStored: number | null = null;
  let rooms = { total: 0, occupied: 0 };
  try {
    await hub.store.ping();
    messagesStored = await hub.store.countMessages();
    const list = await hub.roomList();
    rooms = { total: list.length, occupied: list.filter((r) => r.users > 0).length };
  } catch (e) {
    // A sick store is exactly what status must still report.
    store = { kind: hub.store.kind, healthy: false, error: String(e) };
  }
  return {
    uptimeSeconds: uptimeSeconds(hub),
    startedAt: hub.startedAt.toISOString(),
    store,
    connections,
    usersOnline: hub.online.size,
    rooms,
    messagesStored,
    messagesPerSecond: Math.round(hub.messageRate.perSecond() * 100) / 100,
  };
}

/** Logged-in sessions, by nick then by connection time. */
export function onlineSessions(hub: Hub): SessionInfo[] {
  return [...hub.sessions]
    .filter((s) => s.user)
    .sort((a, b) => a.user!.nick.localeCompare(b.user!.nick) || a.connectedAt.getTime() - b.connectedAt.getTime())
    .map((s) => ({
      nick: s.user!.nick,
      status: s.user!.status,
      note: s.user!.statusNote,
      room: s.room?.name ?? null,
      transport: s.sink.transport,
      remote: s.sink.remote,
      connectedAt: s.connectedAt.toISOString(),
    }));
}
