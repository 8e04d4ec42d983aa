/**
 * Rows as left-aligned lines, padded by character count rather than UTF-16
 * length, because nicks may be in any script. The admin CLI shares this so its
 * listings line up the same way as the chat commands'.
 */
export function padColumns(rows: string[][], indent = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 2 + cell.length - [...cell].length))).join(""));
}

/** Left-aligned columns for terminal listings. */
export function table(rows: string[][]): string {
  return padColumns(rows).join("\n");
}

/** An unambiguous timestamp for listings: "2026-11-22 14:05 UTC". */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
