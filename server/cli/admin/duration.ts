const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Ten years: longer is a typo, not a ban length (no duration at all bans until unban). */
const MAX_SECONDS = 10 * 365 * 86400;

/**
 * "90s", "10m", "2h", "7d", "1w", or several together ("1d2h", "1h30m"), as seconds; null when
 * `text` is not a duration.
 */
export function parseDuration(text: string): number | null {
  if (!/^(\d+[smhdw])+$/.test(text)) return null;
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhdw])/g)) seconds += Number(n) * UNITS[unit!]!;
  return seconds > 0 && seconds <= MAX_SECONDS ? seconds : null;
}

/** A word that starts with a digit was meant as a duration: "5x" is a mistake, never a reason. */
export function looksLikeDuration(text: string): boolean {
  return /^\d/.test(text);
}

/** An uptime or a ban's remaining time, as "3d 4h", "2h 5m", "5m 12s" or "40s". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const parts: [number, string][] = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [Math.floor(s / 60) % 60, "m"], [s % 60, "s"]];
  const first = parts.findIndex(([n]) => n > 0);
  if (first === -1) return "0s";
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(" ");
}
