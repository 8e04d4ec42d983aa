type Work = { line: string; done(): void } | { task: () => Promise<void>; done(): void };

/**
 * One queue for everything a session sends, in arrival order. A prompt takes the first line
 * waiting, even one typed before the prompt appeared, so a pasted "/password" followed by the
 * password answers the prompt instead of being sent to the room. Otherwise lines and tasks run
 * one at a time; lines only once the session is logged in.
 */
export class SessionInbox {
  private readonly queue: Work[] = [];
  private prompt: { resolve(line: string): void; reject(e: Error): void } | null = null;
  private busy = false;
  private run: ((line: string) => Promise<void>) | null = null;
  private closed: Error | null = null;

  line(line: string): Promise<void> {
    return new Promise((done) => this.push({ line, done }));
  }

  task(task: () => Promise<void>): Promise<void> {
    return new Promise((done) => this.push({ task, done }));
  }

  startCommands(run: (line: string) => Promise<void>) {
    this.run = run;
    this.pump();
  }

  ask(): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    this.prompt?.reject(this.closed ?? new Error("Prompt replaced"));
    return new Promise((resolve, reject) => {
      this.prompt = { resolve, reject };
      this.pump();
    });
  }

  close(reason: Error) {
    this.closed = reason;
    this.prompt?.reject(reason);
    this.prompt = null;
    for (const w of this.queue.splice(0)) w.done();
  }

  private push(work: Work) {
    if (this.closed) return work.done();
    this.queue.push(work);
    this.pump();
  }

  private pump() {
    if (this.closed) return;
    if (this.prompt) {
      const i = this.queue.findIndex((w) => "line" in w);
      if (i < 0) return;
      const [work] = this.queue.splice(i, 1) as [{ line: string; done(): void }];
      const prompt = this.prompt;
      this.prompt = null;
      prompt.resolve(work.line);
      work.done();
      return;
    }
    const next = this.queue[0];
    if (this.busy || !next || ("line" in next && !this.run)) return;
    this.queue.shift();
    this.busy = true;
    const running = "line" in next ? this.run!(next.line) : next.task();
    // A failure belongs to whoever queued the work; it must not stop the queue.
    running.catch(() => {}).finally(() => {
      this.busy = false;
      next.done();
      this.pump();
    });
  }
}
