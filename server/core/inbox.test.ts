import { describe, expect, test } from "bun:test";
import { SessionInbox } from "./inbox.ts";

const never = 60_000;
const timeoutError = () => new Error("timed out");

describe("SessionInbox", () => {
  test("a prompt takes a line typed before it was asked", async () => {
    const inbox = new SessionInbox(10, () => {});
    void inbox.line("typed ahead");
    expect(await inbox.ask(never, timeoutError)).toBe("typed ahead");
  });

  test("lines wait until commands start, in order; a task may pass them", async () => {
    const inbox = new SessionInbox(10, () => {});
    const ran: string[] = [];
    void inbox.line("first");
    void inbox.line("second");
    await inbox.task(async () => void ran.push("login"));
    expect(ran).toEqual(["login"]);
    const done = inbox.line("third");
    inbox.startCommands(async (l) => void ran.push(l));
    await done;
    expect(ran).toEqual(["login", "first", "second", "third"]);
  });

  test("one item runs at a time, and a prompt inside it takes the next line", async () => {
    const inbox = new SessionInbox(10, () => {});
    const ran: string[] = [];
    inbox.startCommands(async (l) => {
      if (l === "/password") ran.push(`answer:${await inbox.ask(never, timeoutError)}`);
      else ran.push(l);
    });
    void inbox.line("/password");
    void inbox.line("secret");
    await inbox.line("after");
    expect(ran).toEqual(["answer:secret", "after"]);
  });

  test("a task that throws, even synchronously, does not stop the queue", async () => {
    const inbox = new SessionInbox(10, () => {});
    void inbox.task((() => {
      throw new Error("boom");
    }) as unknown as () => Promise<void>);
    void inbox.task(async () => {
      throw new Error("async boom");
    });
    let ran = false;
    await inbox.task(async () => void (ran = true));
    expect(ran).toBe(true);
  });

  test("more waiting items than allowed call the overflow handler", async () => {
    let floods = 0;
    const inbox = new SessionInbox(2, () => floods++);
    void inbox.task(() => new Promise(() => {})); // running, not waiting
    void inbox.line("a");
    void inbox.line("b");
    expect(floods).toBe(0);
    await inbox.line("c");
    expect(floods).toBe(1);
  });

  test("blank lines nobody asked for are dropped; a prompt still gets one", async () => {
    const inbox = new SessionInbox(1, () => {
      throw new Error("should not overflow");
    });
    for (let i = 0; i < 5; i++) await inbox.line("  ");
    const asked = inbox.ask(never, timeoutError);
    await inbox.line("");
    expect(await asked).toBe("");
  });

  test("an unanswered prompt gives up, and the queue moves on", async () => {
    const inbox = new SessionInbox(10, () => {});
    const ran: string[] = [];
    inbox.startCommands(async (l) => {
      if (l === "/ask") ran.push(await inbox.ask(10, timeoutError).catch((e: Error) => e.message));
    });
    await inbox.line("/ask");
    expect(ran).toEqual(["timed out"]);
  });

  test("close rejects a waiting prompt and drops what waits", async () => {
    const inbox = new SessionInbox(10, () => {});
    const ran: string[] = [];
    inbox.startCommands(async (l) => void ran.push(l));
    const asked = inbox.ask(never, timeoutError);
    // Waits behind the prompt, which only a line can answer.
    const waiting = inbox.task(async () => void ran.push("task"));
    inbox.close(new Error("gone"));
    await expect(asked).rejects.toThrow("gone");
    await waiting;
    await inbox.line("ignored");
    expect(ran).toEqual([]);
  });
});
