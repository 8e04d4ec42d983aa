import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogFile } from "./log-file.ts";

const dir = mkdtempSync(join(tmpdir(), "chat-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("LogFile rotates by size, keeps `files` old files, and tails across the newest rotation", () => {
  const log = new LogFile(join(dir, "logs"), 100, 2);
  const seen: string[] = [];
  const stop = log.follow((l) => seen.push(l));
  // Each line is 10 bytes with its line end, so a file holds 10 of them.
  for (let i = 0; i < 35; i++) log.write(`line-${String(i).padStart(4, "0")}`);
  stop();
  log.write("unseen");
  expect(seen).toHaveLength(35);
  expect(readdirSync(join(dir, "logs")).sort()).toEqual(["chat.log", "chat.log.1", "chat.log.2"]);
  expect(readFileSync(log.path, "utf8")).toBe("line-0030\nline-0031\nline-0032\nline-0033\nline-0034\nunseen\n");
  expect(readFileSync(`${log.path}.2`, "utf8").split("\n")[0]).toBe("line-0010");
  expect(existsSync(`${log.path}.3`)).toBe(false);
  expect(log.tail(3)).toEqual(["line-0033", "line-0034", "unseen"]);
  expect(log.tail(8)).toEqual(["line-0028", "line-0029", "line-0030", "line-0031", "line-0032", "line-0033", "line-0034", "unseen"]);
});

test("LogFile continues an existing file's size after a restart", () => {
  const again = new LogFile(join(dir, "logs"), 100, 2);
  again.write("123456789012345678901234567890123456789012345"); // 46 bytes: past 100 with the 60 already there
  expect(readFileSync(again.path, "utf8")).toBe("123456789012345678901234567890123456789012345\n");
  expect(readFileSync(`${again.path}.1`, "utf8").endsWith("unseen\n")).toBe(true);
});
