import { describe, expect, test } from "bun:test";
import { CommandError } from "./errors.ts";
import { checkNewNick, nickSkeleton } from "./nick-rules.ts";

const refusal = (nick: string, reserved: string[] = []) => {
  try {
    checkNewNick(nick, reserved);
    return null;
  } catch (e) {
    return (e as CommandError).notice.key;
  }
};

describe("nick rules", () => {
  test("look-alikes share a skeleton after NFKC, case folding and Unicode's confusables table", () => {
    const paypal = nickSkeleton("paypal");
    for (const nick of ["p\u0430ypal", "ｐａｙｐａｌ", "𝐩𝐚𝐲𝐩𝐚𝐥", "PAYPAL", "p\u0430yp\u0430l"]) expect(nickSkeleton(nick), nick).toBe(paypal);
    expect(nickSkeleton("rn")).toBe(nickSkeleton("m"));
    expect(nickSkeleton("ana")).not.toBe(nickSkeleton("ama"));
  });

  test("invisible and blank characters, stacked accents and mixed look-alike scripts are refused", () => {
    expect(refusal("paypal\u034F")).toBe("nick_invisible");
    expect(refusal("\u3164\u3164")).toBe("nick_invisible");
    expect(refusal("\uFFA0ab")).toBe("nick_invisible");
    expect(refusal("\u115F\u1160")).toBe("nick_invisible");
    expect(refusal("a\u2800b")).toBe("nick_invisible");
    expect(refusal("z\u0301\u0300\u0302")).toBe("nick_marks");
    expect(refusal("p\u0430ypal")).toBe("nick_mixed_scripts");
    expect(refusal("\u03bfmega")).toBe("nick_mixed_scripts"); // Greek ο
  });

  test("whole-script nicks, Vietnamese accents and Latin beside CJK are allowed", () => {
    for (const nick of ["山田太郎", "Ёжик", "Ωμέγα", "José", "Nguyễn", "ana_99", "Tanaka山田", "Łukasz"]) expect(refusal(nick), nick).toBeNull();
  });

  test("reserved names, and their look-alikes, are refused", () => {
    for (const nick of ["admin", "ADMIN", "\u0430dmin", "root", "System", "server", "operator", "club"]) {
      expect(refusal(nick, ["club"]), nick).toBe(nick === "\u0430dmin" ? "nick_mixed_scripts" : "nick_reserved");
    }
    expect(refusal("adm1n")).toBeNull();
  });
});
