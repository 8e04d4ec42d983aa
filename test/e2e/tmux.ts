// A real terminal for tests: a tmux pane running a real client (telnet, nc, `chat connect`), typed
// into with send-keys and read with capture-pane. Waiting is a loop of capture round trips until
// the screen shows what is expected, never a fixed sleep.

let panes = 0;

export class TmuxPane {
  private constructor(private readonly socket: string) {}

  /** Starts `command` in a detached pane of `width` × `height` on a tmux server of its own. */
  static async start(command: string[], width = 80, height = 24): Promise<TmuxPane> {
    const pane = new TmuxPane(`chat-test-${process.pid}-${++panes}`);
    // remain-on-exit keeps what a client printed last on screen after it exits.
    await pane.tmux("new-session", "-d", "-x", String(width), "-y", String(height), "-s", "t", ...command);
    await pane.tmux("set-option", "-t", "t", "remain-on-exit", "on");
    return pane;
  }

  /** Types text as it is, key by key. */
  type(text: string): Promise<string> {
    return this.tmux("send-keys", "-t", "t", "-l", text);
  }

  /** Presses named keys: Enter, Up, Left, BSpace, Tab, C-c, … */
  press(...keys: string[]): Promise<string> {
    return this.tmux("send-keys", "-t", "t", ...keys);
  }

  resize(width: number, height = 24): Promise<string> {
    return this.tmux("resize-window", "-t", "t", "-x", String(width), "-y", String(height));
  }

  /** The screen's rows (soft-wrapped rows joined when `joined`), trailing blank rows removed. */
  async screen(joined = false): Promise<string[]> {
    const out = await this.tmux("capture-pane", "-p", "-t", "t", ...(joined ? ["-J"] : []));
    const rows = out.split("\n").map((r) => r.trimEnd());
    while (rows.length && rows.at(-1) === "") rows.pop();
    return rows;
  }

  /** Where the cursor is: [column, row]. */
  async cursor(): Promise<[number, number]> {
    const out = await this.tmux("display-message", "-p", "-t", "t", "#{cursor_x} #{cursor_y}");
    const [x, y] = out.trim().split(" ").map(Number);
    return [x!, y!];
  }

  /** Resolves with the screen once `done` holds for it; fails with the last screen after `timeout`. */
  async until(done: (rows: string[]) => boolean, what: string, { timeout = 10_000, joined = false } = {}): Promise<string[]> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const rows = await this.screen(joined);
      if (done(rows)) return rows;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; the screen:\n${rows.join("\n")}`);
    }
  }

  /** Waits for `text` anywhere on the screen. */
  waitFor(text: string | RegExp, timeout?: number): Promise<string[]> {
    const has = (r: string) => (typeof text === "string" ? r.includes(text) : text.test(r));
    return this.until((rows) => rows.some(has), String(text), { timeout });
  }

  async close() {
    await this.tmux("kill-server").catch(() => {});
  }

  private async tmux(...args: string[]): Promise<string> {
    const p = Bun.spawn(["tmux", "-L", this.socket, ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, TERM: "xterm-256color" } });
    const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    if (code !== 0) throw new Error(`tmux ${args.join(" ")}: ${err.trim()}`);
    return out;
  }
}
