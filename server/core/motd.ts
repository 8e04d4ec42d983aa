import type { Store } from "./store.ts";
import { cleanText } from "./text.ts";

// A MOTD set by the operator is kept in the store and wins over the config's, across restarts.
const MOTD_KEY = "motd";

export type MotdSource = "admin" | "config";

/** What the server says about itself: its name and message of the day, changed by reload and `chat admin motd`. */
export interface ServerInfo {
  serverName: string;
  motd: string[];
}

async function storedMotd(store: Pick<Store, "getSetting">): Promise<string[] | null> {
  const value = await store.getSetting(MOTD_KEY);
  return value === null ? null : value.split("\n");
}

/** The MOTD a starting server shows: the operator's if one is stored, else the config's. */
export async function startupMotd(store: Pick<Store, "getSetting">, configMotd: string[]): Promise<string[]> {
  return (await storedMotd(store)) ?? configMotd;
}

export async function motdSource(store: Pick<Store, "getSetting">): Promise<MotdSource> {
  return (await storedMotd(store)) ? "admin" : "config";
}

/** Applies a re-read config's MOTD, unless the operator's is in force; says whether it was applied. */
export async function applyConfigMotd(store: Pick<Store, "getSetting">, info: ServerInfo, lines: string[]): Promise<boolean> {
  if ((await motdSource(store)) === "admin") return false;
  info.motd = lines;
  return true;
}

/** Sets the MOTD shown at the next login; null goes back to `fallback` (the config's). */
export async function setMotd(store: Pick<Store, "setSetting">, info: ServerInfo, text: string | null, fallback: string[]): Promise<string[]> {
  const lines = text === null ? null : text.split(/\r?\n/).map((l) => cleanText(l).trimEnd());
  await store.setSetting(MOTD_KEY, lines ? lines.join("\n") : null);
  info.motd = lines ?? fallback;
  return info.motd;
}
