// A small terminal for tests: it understands what the line editor and the renderer write (text by
// display width, CR, LF, BEL, cursor up/forward, erase to end of screen, SGR colours, which it
// ignores) and keeps the rows of text and the cursor, so a test can check what a person would see.

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const decoder = new TextDecoder();

export class Screen {
  rows: string[][] = [[]];
  row = 0;
  col = 0;
  bells = 0;
  /** Set after writing the last column: the next character goes to the next row (as xterm). */
  private pendingWrap = false;

  constructor(readonly width = 80) {}

  write(data: Uint8Array | string) {
    const text = typeof data === "string" ? data : decoder.decode(data);
    const re = /\x1b\[([0-9;]*)([A-Za-z])|\r|\n|\x07|[^\x1b\r\n\x07]+/g;
    for (const m of text.matchAll(re)) {
      const s = m[0];
      if (s === "\r") { this.col = 0; this.pendingWrap = false; }
      else if (s === "\n") this.down();
      else if (s === "\x07") this.bells++;
      else if (m[2]) this.csi(Number(m[1] || "1"), m[2], m[1] ?? "");
      else for (const { segment } of segmenter.segment(s)) this.put(segment);
    }
  }

  /** The screen's rows as text, trailing spaces removed, without trailing empty rows. */
  lines(): string[] {
    const out = this.rows.map((r) => r.join(""));
    while (out.length > 1 && out.at(-1) === "") out.pop();
    return out;
  }

  private put(g: string) {
    const w = Bun.stringWidth(g);
    if (w === 0) {
      // A combining mark joins the character before it.
      const r = this.rows[this.row]!;
      const at = Math.max(0, this.col - 1);
      r[at] = (r[at] ?? "") + g;
      return;
    }
    if (this.pendingWrap || this.col + w > this.width) {
      this.pendingWrap = false;
      this.col = 0;
      this.down();
    }
    const r = this.rows[this.row]!;
    while (r.length < this.col) r.push(" ");
    r[this.col] = g;
    if (w === 2) r[this.col + 1] = "";
    this.col += w;
    if (this.col >= this.width) {
      this.col = this.width - 1;
      this.pendingWrap = true;
      // The cursor stays on the last column; the cell it is on is already written.
      this.col = this.width;
    }
  }

  private down() {
    this.row++;
    while (this.rows.length <= this.row) this.rows.push([]);
  }

  private csi(n: number, final: string, params: string) {
    this.pendingWrap = false;
    if (this.col >= this.width) this.col = this.width - 1;
    if (final === "A") this.row = Math.max(0, this.row - n);
    else if (final === "B") this.row += n;
    else if (final === "C") this.col = Math.min(this.width - 1, this.col + n);
    else if (final === "D") this.col = Math.max(0, this.col - n);
    else if (final === "J") {
      this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
      this.rows.length = this.row + 1;
    } else if (final === "K") this.rows[this.row] = this.rows[this.row]!.slice(0, this.col);
    else if (final === "m") return void params; // colours do not change the text
    while (this.rows.length <= this.row) this.rows.push([]);
  }
}
