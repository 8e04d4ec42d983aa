import { expect, test } from "bun:test";
import { RateCounter } from "./rate.ts";

test("RateCounter counts the last window of seconds and forgets older ones", () => {
  let now = 1_000_000;
  const rate = new RateCounter(60, () => now);
  rate.add(30);
  now += 500;
  rate.add(); // same second
  now += 30_000;
  rate.add(29);
  expect(rate.total()).toBe(60);
  expect(rate.perSecond()).toBe(1);
  now += 30_000; // the first second is now 60.5 s old
  expect(rate.total()).toBe(29);
  now += 60_000 * 10; // many laps later every slot is stale
  expect(rate.total()).toBe(0);
  rate.add(6);
  expect(rate.perSecond()).toBe(0.1);
});
