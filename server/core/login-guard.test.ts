import { describe, expect, test } from "bun:test";
import { configSchema } from "../config/schema.ts";
import { CommandError } from "./errors.ts";
import { LoginGuard } from "./login-guard.ts";

const limits = { ...configSchema.parse({}).limits, loginFailuresBeforeBackoff: 3, loginBackoffMaxSeconds: 60, maxConcurrentHashes: 1 };

/** A hash that finishes when the test says so. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

const keyOf = (f: () => void) => {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof CommandError ? e.notice : e;
  }
};

describe("LoginGuard", () => {
  test("after the free failures each attempt must wait, doubling up to the maximum; other addresses and accounts are not held", () => {
    let now = 0;
    const guard = new LoginGuard(limits, () => now);
    for (let i = 0; i < 3; i++) guard.failed("1.1.1.1", "ana");
    expect(keyOf(() => guard.check("1.1.1.1", "beto"))).toEqual({ key: "login_backoff", params: { seconds: 1 } });
    expect(keyOf(() => guard.check("2.2.2.2", "ana"))).toEqual({ key: "login_backoff", params: { seconds: 1 } });
    expect(keyOf(() => guard.check("2.2.2.2", "beto"))).toBeNull();
    now += 1000;
    expect(keyOf(() => guard.check("1.1.1.1", "ana"))).toBeNull();
    guard.failed("1.1.1.1", "ana");
    expect(keyOf(() => guard.check("1.1.1.1", "ana"))).toEqual({ key: "login_backoff", params: { seconds: 2 } });
    for (let i = 0; i < 20; i++) guard.failed("1.1.1.1", "ana");
    expect(keyOf(() => guard.check("1.1.1.1", "ana"))).toEqual({ key: "login_backoff", params: { seconds: 60 } });
    // The right password clears the account, not the address that guessed.
    guard.succeeded("ana");
    expect(keyOf(() => guard.check("2.2.2.2", "ana"))).toBeNull();
    expect(keyOf(() => guard.check("1.1.1.1", "carla"))).not.toBeNull();
  });

  test("hashes run a few at a time, and a new address goes ahead of an attacker's queue", async () => {
    const guard = new LoginGuard(limits);
    const order: string[] = [];
    const first = pending();
    const running = guard.hash("6.6.6.6", first.work);
    const attacker = [pending(), pending(), pending()];
    const queued = attacker.map((p, i) => guard.hash("6.6.6.6", async () => {
      order.push(`attacker ${i}`);
      p.finish();
      await p.work();
    }));
    const user = guard.hash("7.7.7.7", async () => void order.push("user"));
    first.finish();
    await Promise.all([running, user, ...queued]);
    expect(order).toEqual(["attacker 0", "user", "attacker 1", "attacker 2"]);
  });

  test("an address may have only a few hashes waiting; past that, or past the deadline, it is told the server is busy", async () => {
    const guard = new LoginGuard({ ...limits, hashQueuePerAddress: 2, hashQueueSeconds: 1 });
    const blocker = pending();
    const running = guard.hash("6.6.6.6", blocker.work);
    const waiting = [guard.hash("6.6.6.6", async () => {}), guard.hash("6.6.6.6", async () => {})];
    await expect(guard.hash("6.6.6.6", async () => {})).rejects.toMatchObject({ notice: { key: "login_busy" } });
    // Nobody finishes in time: the queued ones give up with the same answer.
    const settled = await Promise.allSettled(waiting);
    expect(settled.map((r) => r.status === "rejected" && (r.reason as CommandError).notice.key)).toEqual(["login_busy", "login_busy"]);
    blocker.finish();
    await running;
  });
});
