// Text laid out for a terminal by display width, not by code points: a CJK character or an emoji
// takes two columns, a combining mark none, so padding by length breaks every table with such nicks.

/** Columns the text takes on a terminal. */
export function displayWidth(text: string): number {
  return Bun.stringWidth(text);
}

/** The text padded with spaces to `width` columns. */
export function padEnd(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + " ".repeat(width - w);
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Lines of at most `width` columns, broken between words; a word wider than a line is broken
 * between graphemes. Continuation lines start with `indent`.
 */
export function wrap(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  let lineWidth = 0;
  const room = () => width - (lines.length === 0 ? 0 : displayWidth(indent));
  const push = () => {
    lines.push((lines.length === 0 ? "" : indent) + line.trimEnd());
    line = "";
    lineWidth = 0;
  };
  for (const word of text.split(/(?<=\s)(?=\S)/)) {
    const w = displayWidth(word.trimEnd());
    if (lineWidth > 0 && lineWidth + w > room()) push();
    if (w > room()) {
      for (const { segment } of segmenter.segment(word)) {
        const g = displayWidth(segment);
        if (lineWidth + g > room() && lineWidth > 0) push();
        line += segment;
        lineWidth += g;
      }
      continue;
    }
    line += word;
    lineWidth += displayWidth(word);
  }
  if (line.trim() !== "" || lines.length === 0) push();
  return lines;
}

/**
 * Rows as aligned columns, each padded to its widest cell by display width. The last column
 * wraps within what is left of `width`, its continuation lines aligned under it.
 */
export function table(rows: string[][], width = Infinity, indent = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  const out: string[] = [];
  for (const row of rows) {
    const head = indent + row.slice(0, -1).map((cell, i) => padEnd(cell, widths[i]! + 2)).join("");
    const last = row.at(-1) ?? "";
    const left = width - displayWidth(head);
    if (left < 20 || displayWidth(last) <= left) {
      out.push((head + last).trimEnd());
      continue;
    }
    const [first, ...more] = wrap(last, left);
    const under = " ".repeat(displayWidth(head));
    out.push(head + first, ...more.map((l) => under + l));
  }
  return out;
}

/** An unambiguous timestamp for listings: "2026-11-22 14:05 UTC". */
export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
