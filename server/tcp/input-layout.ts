// Where the input line's characters go on a terminal of a given width, and the bytes that draw
// it: rows are broken by the editor itself (CR LF), never left to the terminal's own wrapping,
// whose pending-wrap state at the last column differs between terminals.

export interface Cell {
  text: string;
  /** Display columns: 2 for CJK and emoji, 0 for a combining mark. */
  w: number;
}

/** Each cell's row and column when the text wraps at `width`, and where the cursor goes after the last. */
export function place(cells: { w: number }[], width: number) {
  const at: { row: number; col: number }[] = [];
  let row = 0, col = 0;
  for (const c of cells) {
    // A wide character that does not fit at the end of a row starts the next one, as terminals do.
    if (col + c.w > width && col > 0) {
      row++;
      col = 0;
    }
    at.push({ row, col });
    col += c.w;
  }
  // A full last row leaves the cursor at the start of the next (terminals would wait at the edge).
  if (col >= width) {
    row++;
    col = 0;
  }
  return { at, end: { row, col } };
}

/**
 * The text that draws `cells` from the start of the input's first row and leaves the terminal's
 * cursor before cell `cursor`, and the text that erases it all again from there.
 */
export function drawInput(cells: Cell[], cursor: number, width: number): { draw: string; erase: string } {
  const { at, end } = place(cells, width);
  const target = cursor >= cells.length ? end : at[cursor]!;
  let draw = "";
  let row = 0;
  cells.forEach((c, i) => {
    if (at[i]!.row !== row) {
      draw += "\r\n";
      row = at[i]!.row;
    }
    draw += c.text;
  });
  if (end.row !== row) draw += "\r\n";
  if (end.row > target.row) draw += `\x1b[${end.row - target.row}A`;
  if (end.row > target.row || end.col !== target.col) draw += "\r" + (target.col > 0 ? `\x1b[${target.col}C` : "");
  // Up to the first row, then clear to the end of the screen.
  const erase = (target.row > 0 ? `\x1b[${target.row}A` : "") + "\r\x1b[J";
  return { draw, erase };
}
