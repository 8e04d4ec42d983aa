import { expect, test } from "bun:test";
import { formatDuration, parseDuration } from "./duration.ts";

test("parseDuration() reads s, m, h, d and w, and nothing else", () => {
  expect(parseDuration("90s")).toBe(90);
  expect(parseDuration("10m")).toBe(600);
  expect(parseDuration("2h")).toBe(7200);
  expect(parseDuration("7d")).toBe(604800);
  expect(parseDuration("1w")).toBe(604800);
  expect(parseDuration("0m")).toBeNull();
  expect(parseDuration("spam")).toBeNull();
  expect(parseDuration("10")).toBeNull();
  expect(parseDuration("5x")).toBeNull();
  expect(parseDuration("1d2x")).toBeNull();
  expect(parseDuration("99999w")).toBeNull();
});

test("parseDuration() adds up compound durations", () => {
  expect(parseDuration("1h30m")).toBe(5400);
  expect(parseDuration("1d2h")).toBe(93600);
  expect(parseDuration("1w1d1h1m1s")).toBe(604800 + 86400 + 3600 + 61);
});

test("formatDuration() shows the two largest units", () => {
  expect(formatDuration(0)).toBe("0s");
  expect(formatDuration(40)).toBe("40s");
  expect(formatDuration(312)).toBe("5m 12s");
  expect(formatDuration(7500)).toBe("2h 5m");
  expect(formatDuration(3 * 86400 + 4 * 3600 + 59)).toBe("3d 4h");
  expect(formatDuration(86400 + 30)).toBe("1d");
});
