import type { InputContext } from "./types.ts";

/** `notBefore`: a time (ms since the epoch) before which the work may not run: a flooder's fakelag. */
type Line = { line: string; context?: InputContext; notBefore?: number; done(): void };
type Work = Line | { task: () => Promise<void>; notBefore?: number; done(): void };

/**
 * One queue for everything a session sends, in arrival order. A prompt takes the first line
 * waiting, even one typed before the prompt appeared, so a pasted "/password" followed by the
 * password answers the prompt instead of being sent to the room. Otherwise lines and tasks run
 * one at a time; lines only once the session is logged in, while tasks (a login) may pass them.
 */
export class SessionInbox {
  private readonly queue: Work[] = [];
  private prompt: { resolve(line: string): void; reject(e: Error): void } | null = null;
  private running: Promise<void> | null = null;
  private run: ((line: string, context?: InputContext) => Promise<void>) | null = null;
  private closed: Error | null = null;

  /** `max` items may wait; one more calls `onOverflow` (a client flooding faster than it is served). */
  constructor(private readonly max: number, private readonly onOverflow: () => void) {}

  /** A typed line; `context` is the conversation it was typed in, when the client says. */
  line(line: string, context?: InputContext, notBefore?: number): Promise<void> {
    // A blank line nobody asked for would only take a place in the queue.
    if (line.trim() === "" && !this.prompt) return Promise.resolve();
    return new Promise((done) => this.push({ line, context, notBefore, done }));
  }

  task(task: () => Promise<void>, notBefore?: number): Promise<void> {
    return new Promise((done) => this.push({ task, notBefore, done }));
  }

  startCommands(run: (line: string, context?: InputContext) => Promise<void>) {
    this.run = run;
    this.pump();
  }

  /** The next line, even one already waiting; rejects with `onTimeout()` when none comes in time. */
  ask(timeoutMs: number, onTimeout: () => Error): Promise<string> {
    if (this.closed) return Promise.reject(this.closed);
    this.prompt?.reject(new Error("Prompt replaced"));
    return new Promise<string>((resolve, reject) => {
      // An unanswered prompt would hold up everything queued behind its command.
      const timer = setTimeout(() => {
        if (this.prompt?.resolve !== answer) return;
        this.prompt = null;
        reject(onTimeout());
        this.pump();
      }, timeoutMs);
      const answer = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.prompt = {
        resolve: answer,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.pump();
    });
  }

  /** Resolves when the item being worked on, if any, has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  close(reason: Error) {
    this.closed = reason;
    this.prompt?.reject(reason);
    this.prompt = null;
    for (const w of this.queue.splice(0)) w.done();
  }

  private push(work: Work) {
    if (this.closed) return work.done();
    if (this.queue.length >= this.max) {
      work.done();
      return this.onOverflow();
    }
    this.queue.push(work);
    this.pump();
  }

  private pump() {
    if (this.closed) return;
    if (this.prompt) {
      const i = this.queue.findIndex((w) => "line" in w);
      if (i < 0) return;
      const [work] = this.queue.splice(i, 1) as [Line];
      const prompt = this.prompt;
      this.prompt = null;
      prompt.resolve(work.line);
      work.done();
      return;
    }
    if (this.running) return;
    const i = this.run ? 0 : this.queue.findIndex((w) => "task" in w);
    if (i < 0 || i >= this.queue.length) return;
    const [next] = this.queue.splice(i, 1) as [Work];
    const run = this.run;
    // Started in a then(): even a task that throws synchronously must not jam the queue.
    this.running = lag(next.notBefore)
      .then(() => (this.closed ? undefined : "line" in next ? run!(next.line, next.context) : next.task()))
      // A failure belongs to whoever queued the work; it must not stop the queue.
      .catch(() => {})
      .finally(() => {
        this.running = null;
        next.done();
        this.pump();
      });
  }
}

/** Waits until `notBefore`, if it is still ahead. */
function lag(notBefore: number | undefined): Promise<void> {
  const wait = notBefore === undefined ? 0 : notBefore - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
