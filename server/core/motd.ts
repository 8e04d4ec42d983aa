import type { Hub } from "./hub.ts";
import type { Store } from "./store.ts";
import { cleanText } from "./text.ts";

// A MOTD set by the operator is kept in the store and wins over the config's, across restarts.
const MOTD_KEY = "motd";

export type MotdSource = "admin" | "config";

async function storedMotd(store: Store): Promise<string[] | null> {
  const value = await store.getSetting(MOTD_KEY);
  return value === null ? null : value.split("\n");
}

/** The MOTD a starting server shows: the operator's if one is stored, else the config's. */
export async function startupMotd(store: Store, configMotd: string[]): Promise<string[]> {
  return (await storedMotd(store)) ?? configMotd;
}

export async function motdSource(hub: Hub): Promise<MotdSource> {
  return (await storedMotd(hub.store)) ? "admin" : "config";
}

/** Applies a re-read config's MOTD, unless the operator's is in force; says whether it was applied. */
export async function applyConfigMotd(hub: Hub, lines: string[]): Promise<boolean> {
  if ((await motdSource(hub)) === "admin") return false;
  hub.settings.motd = lines;
  return true;
}

/** Sets the MOTD shown at the next login; null goes back to `fallback` (the config's). */
export async function setMotd(hub: Hub, text: string | null, fallback: string[]): Promise<string[]> {
  const lines = text === null ? null : text.split(/\r?\n/).map((l) => cleanText(l).trimEnd());
  await hub.store.setSetting(MOTD_KEY, lines ? lines.join("\n") : null);
  hub.settings.motd = lines ?? fallback;
  return hub.settings.motd;
}
