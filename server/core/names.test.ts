import { describe, expect, test } from "bun:test";
import { say } from "../render/i18n/index.ts";
import { CommandError } from "./errors.ts";
import { validateNick, validateRoomName } from "./names.ts";

/** The reason a name is refused, or null when it is accepted. */
function refusal(fn: (s: string) => string, input: string): string | null {
  try {
    fn(input);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(CommandError);
    return say("en", (e as CommandError).notice);
  }
}

describe("validateNick", () => {
  test("accepts letters of any script, digits and _ - .", () => {
    for (const nick of ["José", "Łukasz", "a_b-c.d", "Ödön42", "Μαρία", "山田", "ab"]) {
      expect(validateNick(nick)).toBe(nick);
    }
  });

  test("returns decomposed (NFD) input in its composed (NFC) form", () => {
    const nfd = "Jose\u0301";
    expect(nfd).toHaveLength(5);
    expect(validateNick(nfd)).toBe("Jos\u00e9");
    expect(validateNick(nfd)).toHaveLength(4);
  });

  test("counts length after normalizing: 24 composed letters pass even if NFD has 48 code points", () => {
    const nick = "é".repeat(24);
    expect(validateNick(nick.normalize("NFD"))).toBe(nick);
  });

  test("refuses a nick that is too short or too long, saying the length", () => {
    expect(refusal(validateNick, "a")).toBe("Nick must be 2–24 characters long (got 1)");
    expect(refusal(validateNick, "")).toBe("Nick must be 2–24 characters long (got 0)");
    expect(refusal(validateNick, "x".repeat(25))).toBe("Nick must be 2–24 characters long (got 25)");
    expect(refusal(validateNick, "x".repeat(24))).toBeNull();
  });

  test("refuses spaces, including tabs and no-break spaces", () => {
    for (const nick of ["ana maría", "ana\tb", "ana\u00a0b"]) {
      expect(refusal(validateNick, nick)).toBe("Nick may not contain spaces");
    }
  });

  test("refuses control characters", () => {
    expect(refusal(validateNick, "ana\u0007")).toBe("Nick may not contain control or invisible characters");
    expect(refusal(validateNick, "\u001b[2Jana")).toBe("Nick may not contain control or invisible characters");
    expect(refusal(validateNick, "ana\u0085b")).toBe("Nick may not contain control or invisible characters");
  });

  test("refuses zero-width and other format characters", () => {
    for (const c of ["\u200b", "\u200d", "\u2060", "\u00ad"]) {
      expect(refusal(validateNick, `an${c}a`)).toBe("Nick may not contain control or invisible characters");
    }
  });

  test("refuses the right-to-left override", () => {
    expect(refusal(validateNick, "ana\u202egpj.exe")).toBe("Nick may not contain control or invisible characters");
  });

  test("refuses symbols, naming the first one", () => {
    expect(refusal(validateNick, "ana@home")).toBe('Nick may only contain letters, digits, "_", "-" and "." (not "@")');
    expect(refusal(validateNick, "#ana")).toBe('Nick may only contain letters, digits, "_", "-" and "." (not "#")');
    expect(refusal(validateNick, "ana!")).toBe('Nick may only contain letters, digits, "_", "-" and "." (not "!")');
  });

  test("refuses emoji", () => {
    expect(refusal(validateNick, "ana😀")).toBe('Nick may only contain letters, digits, "_", "-" and "." (not "😀")');
    // A joined emoji sequence is caught by its zero-width joiner first.
    expect(refusal(validateNick, "ana👩\u200d💻")).toBe("Nick may not contain control or invisible characters");
  });
});

describe("validateRoomName", () => {
  test('accepts "dev" and "#dev" alike and returns "#dev"', () => {
    expect(validateRoomName("dev")).toBe("#dev");
    expect(validateRoomName("#dev")).toBe("#dev");
    expect(validateRoomName("#Café_2.0-b")).toBe("#Café_2.0-b");
    expect(validateRoomName("x")).toBe("#x");
  });

  test("returns NFD input in NFC form", () => {
    expect(validateRoomName("#cafe\u0301")).toBe("#caf\u00e9");
  });

  test("refuses an empty name or one longer than 32 characters", () => {
    expect(refusal(validateRoomName, "#")).toBe("Room name must be 1–32 characters long (got 0)");
    expect(refusal(validateRoomName, "")).toBe("Room name must be 1–32 characters long (got 0)");
    expect(refusal(validateRoomName, "#" + "r".repeat(33))).toBe("Room name must be 1–32 characters long (got 33)");
    expect(validateRoomName("r".repeat(32))).toBe("#" + "r".repeat(32));
  });

  test("refuses spaces, invisible characters and symbols with a reason each", () => {
    expect(refusal(validateRoomName, "#a b")).toBe("Room name may not contain spaces");
    expect(refusal(validateRoomName, "#a\u200bb")).toBe("Room name may not contain control or invisible characters");
    expect(refusal(validateRoomName, "#a\u202eb")).toBe("Room name may not contain control or invisible characters");
    expect(refusal(validateRoomName, "##dev")).toBe('Room name may only contain letters, digits, "_", "-" and "." (not "#")');
    expect(refusal(validateRoomName, "#dev🔥")).toBe('Room name may only contain letters, digits, "_", "-" and "." (not "🔥")');
  });
});
