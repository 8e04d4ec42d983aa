import { configSchema, type Config } from "../config/schema.ts";
import type { Operator } from "../core/operator.ts";
import type { ReloadReport } from "../admin.ts";

// What a running hub can take from a re-read config; everything else waits for a restart.
const LIVE = new Set<keyof Config>(["serverName", "motd", "limits", "reservedNicks"]);

/**
 * Applies the live parts of `next` that differ from `live` (the config in force), and lists
 * what differs from `started` (the config the listeners and store were opened with) but
 * only takes effect at a restart.
 */
export async function applyConfig(operator: Operator, live: Config, started: Config, next: Config): Promise<ReloadReport> {
  const applied: string[] = [];
  const needsRestart: string[] = [];
  // The schema's keys, not the objects': a loaded config also carries the path it came from.
  for (const key of Object.keys(configSchema.shape) as (keyof Config)[]) {
    if (!LIVE.has(key)) {
      if (!same(started[key], next[key])) needsRestart.push(key);
      continue;
    }
    if (same(live[key], next[key])) continue;
    if (key === "limits") {
      for (const k of Object.keys(next.limits) as (keyof Config["limits"])[]) {
        if (!same(live.limits[k], next.limits[k])) applied.push(`limits.${k}`);
      }
      // In place: the transports hold this same object.
      Object.assign(operator.limits, next.limits);
    } else if (key === "motd") {
      applied.push((await operator.applyConfigMotd(next.motd)) ? "motd" : "motd (the one set with `chat admin motd` stays in force until `motd --reset`)");
    } else if (key === "reservedNicks") {
      // Checked at each registration; accounts that already have one of these nicks keep it.
      operator.reserved.nicks = next.reservedNicks;
      applied.push("reservedNicks");
    } else if (key === "serverName") {
      operator.info.serverName = next.serverName;
      applied.push("serverName");
    }
  }
  return { applied, needsRestart };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
