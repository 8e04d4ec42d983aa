import { describe, expect, test } from "bun:test";
import { cleanText, exceedsBytes } from "./text.ts";

describe("cleanText", () => {
  test("leaves ordinary text, accents, emoji and TAB alone", () => {
    expect(cleanText("hola José\tqué tal 😀")).toBe("hola José\tqué tal 😀");
  });

  test("removes the ESC of escape sequences, so they print harmlessly", () => {
    expect(cleanText("\u001b[2J\u001b[31mred\u001b[0m")).toBe("[2J[31mred[0m");
    expect(cleanText("\u001b]0;pwned\u0007title")).toBe("]0;pwnedtitle");
  });

  test("removes every C0 control except TAB, including CR and LF", () => {
    let c0 = "";
    for (let c = 0; c < 0x20; c++) c0 += String.fromCharCode(c);
    expect(cleanText(`a${c0}b`)).toBe("a\tb");
    expect(cleanText("one\r\ntwo")).toBe("onetwo");
  });

  test("removes DEL and the C1 controls U+0080–U+009F", () => {
    let c1 = "";
    for (let c = 0x80; c <= 0x9f; c++) c1 += String.fromCharCode(c);
    expect(cleanText(`a\u007f${c1}b`)).toBe("ab");
    expect(cleanText("\u00a0x")).toBe("\u00a0x");
  });

  test("removes bidi embeddings, overrides and isolates", () => {
    const bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069";
    expect(cleanText(`file${bidi}txt.exe`)).toBe("filetxt.exe");
  });

  test("replaces lone surrogates with U+FFFD and keeps valid pairs", () => {
    expect(cleanText("a\ud800b")).toBe("a\ufffdb");
    expect(cleanText("a\udfffb")).toBe("a\ufffdb");
    expect(cleanText("\ud83d\ude00")).toBe("😀");
  });
});

describe("exceedsBytes", () => {
  test("compares the UTF-8 length, not the UTF-16 length", () => {
    expect(exceedsBytes("abc", 3)).toBe(false);
    expect(exceedsBytes("abcd", 3)).toBe(true);
    expect(exceedsBytes("éé", 4)).toBe(false);
    expect(exceedsBytes("éé", 3)).toBe(true);
    expect(exceedsBytes("€€", 6)).toBe(false);
    expect(exceedsBytes("€€", 5)).toBe(true);
    expect(exceedsBytes("😀", 4)).toBe(false);
    expect(exceedsBytes("😀", 3)).toBe(true);
    expect(exceedsBytes("", 0)).toBe(false);
  });

  test("decides long text at the boundary", () => {
    expect(exceedsBytes("x".repeat(4096), 4096)).toBe(false);
    expect(exceedsBytes("x".repeat(4097), 4096)).toBe(true);
    expect(exceedsBytes("é".repeat(2048), 4096)).toBe(false);
    expect(exceedsBytes("é".repeat(2048) + "x", 4096)).toBe(true);
  });
});
