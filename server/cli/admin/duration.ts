const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90s", "10m", "2h", "7d", "1w" as seconds; null when `text` is not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)([smhdw])$/.exec(text);
  if (!m) return null;
  const seconds = Number(m[1]) * UNITS[m[2]!]!;
  return seconds > 0 ? seconds : null;
}

/** An uptime or a ban's remaining time, as "3d 4h", "2h 5m", "5m 12s" or "40s". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: [number, string][] = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [Math.floor(s / 60) % 60, "m"], [s % 60, "s"]];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0s";
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(" ");
}
