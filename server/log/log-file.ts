import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LogOutput } from "./logger.ts";

/**
 * `<dir>/chat.log`, rotated by size to chat.log.1 … chat.log.<files>. It also hands each
 * line to followers, which is how `chat admin log -f` sees lines as they are written.
 */
export class LogFile implements LogOutput {
  readonly pretty = false;
  readonly path: string;
  private size: number;
  private failed = false;
  private readonly followers = new Set<(line: string) => void>();

  constructor(dir: string, private readonly maxBytes: number, private readonly files: number) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, "chat.log");
    this.size = existsSync(this.path) ? statSync(this.path).size : 0;
  }

  write(line: string) {
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      appendFileSync(this.path, line + "\n");
      this.size += bytes;
      this.failed = false;
    } catch (e) {
      // A full disk must not stop the chat; say so once per run of failures, where someone looks.
      if (!this.failed) process.stderr.write(`chat: cannot write ${this.path}: ${(e as Error).message}\n`);
      this.failed = true;
    }
    for (const f of this.followers) f(line);
  }

  /** The last `n` lines, reaching into chat.log.1 when the current file holds fewer. */
  tail(n: number): string[] {
    const lines = readLines(this.path);
    if (lines.length < n) lines.unshift(...readLines(`${this.path}.1`));
    return lines.slice(-n);
  }

  /** Calls `f` with every line written from now on, until the returned function is called. */
  follow(f: (line: string) => void): () => void {
    this.followers.add(f);
    return () => this.followers.delete(f);
  }

  private rotate() {
    for (let i = this.files - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    renameSync(this.path, `${this.path}.1`);
    this.size = 0;
  }
}

function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter((l) => l !== "");
}
