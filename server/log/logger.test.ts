import { expect, test } from "bun:test";
import { createLogger, prettyLine, printable } from "./logger.ts";

test("printable() escapes C0, DEL, C1 and bidi controls and leaves other text alone", () => {
  expect(printable("a\x1b[2Jb\r\n\t\x00")).toBe("a\\u001b[2Jb\\u000d\\u000a\\u0009\\u0000");
  expect(printable("\x7f\x80\x9b\x9f")).toBe("\\u007f\\u0080\\u009b\\u009f");
  expect(printable("\u202a\u202e\u2066\u2069")).toBe("\\u202a\\u202e\\u2066\\u2069");
  expect(printable("ñandú → 日本 \u200b 🙂 \u00a0")).toBe("ñandú → 日本 \u200b 🙂 \u00a0");
});

test("prettyLine() prints no control character from any field, key or value", () => {
  const line = prettyLine({
    time: "2026-01-02T03:04:05.000Z", level: "warn", event: "admin\x1b]0;x\x07",
    path: "/admin/\x1b[2J", "k\x9b": "v", nested: { s: "\x9b\u202e" }, n: 3,
  });
  expect(line).toBe("03:04:05 WARN  admin\\u001b]0;x\\u0007 path=/admin/\\u001b[2J k\\u009b=v nested={\"s\":\"\\u009b\\u202e\"} n=3");
});

test("a pretty log output gets escaped lines, a JSON one the exact record", () => {
  const seen: string[] = [];
  const log = createLogger([{ pretty: true, write: (l) => seen.push(l) }, { pretty: false, write: (l) => seen.push(l) }]);
  log.warn("admin refused", { path: "/admin/\x1b[2J\u2067" });
  expect(seen[0]).toEndWith("admin refused path=/admin/\\u001b[2J\\u2067");
  expect(JSON.parse(seen[1]!).path).toBe("/admin/\x1b[2J\u2067");
});
