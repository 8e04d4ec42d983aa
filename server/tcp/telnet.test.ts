import { describe, expect, test } from "bun:test";
import {
  DO, DONT, ECHO, IAC, NAWS, SB, SE, SGA, TelnetDecoder, TTYPE, WILL, WONT,
  type TelnetInput, type TelnetLimits,
} from "./telnet.ts";

const NOP = 241, AYT = 246, EC = 247, EL = 248, GA = 249;
const enc = new TextEncoder();

/** Concatenates strings (as UTF-8), byte numbers and byte arrays into one Uint8Array. */
function bytes(...parts: (string | number | number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") out.push(...enc.encode(p));
    else if (typeof p === "number") out.push(p);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const LIMITS: TelnetLimits = { maxLineBytes: 512, maxUnterminatedBytes: 4096 };

interface Result { inputs: TelnetInput[]; replies: number[] }

function decode(chunks: Uint8Array[], limits = LIMITS, setup?: (d: TelnetDecoder) => void): Result {
  const replies: number[] = [];
  const d = new TelnetDecoder(limits, (b) => replies.push(...b));
  setup?.(d);
  // "telnet" (first negotiation seen) has tests of its own; the rest would only repeat it.
  const inputs = chunks.flatMap((c) => d.push(c)).filter((i) => i.kind !== "telnet");
  return { inputs, replies };
}

const lines = (...texts: string[]): TelnetInput[] => texts.map((text) => ({ kind: "line", text }));

describe("TelnetDecoder line endings", () => {
  test("LF ends a line", () => {
    expect(decode([bytes("hello\nworld\n")]).inputs).toEqual(lines("hello", "world"));
  });
  test("CRLF ends a line once", () => {
    expect(decode([bytes("hello\r\nworld\r\n")]).inputs).toEqual(lines("hello", "world"));
  });
  test("CR NUL ends a line once", () => {
    expect(decode([bytes("hello\r", 0, "world\r", 0)]).inputs).toEqual(lines("hello", "world"));
  });
  test("bare CR followed by text ends a line", () => {
    expect(decode([bytes("hello\rworld\r")]).inputs).toEqual(lines("hello", "world"));
  });
  test("CR at the end of one chunk and LF at the start of the next give one line", () => {
    expect(decode([bytes("hi\r"), bytes("\nthere\n")]).inputs).toEqual(lines("hi", "there"));
  });
  test("empty lines are emitted as empty text", () => {
    expect(decode([bytes("\r\n\n\r\r\n")]).inputs).toEqual(lines("", "", "", ""));
  });
  test("unterminated text is held until its line ends", () => {
    expect(decode([bytes("par"), bytes("tial")]).inputs).toEqual([]);
    expect(decode([bytes("par"), bytes("tial\n")]).inputs).toEqual(lines("partial"));
  });
  test("NUL inside a line is stripped, other control bytes are kept", () => {
    expect(decode([bytes("a", 0, "b", 7, "c\t\n")]).inputs).toEqual(lines("ab\x07c\t"));
  });
});

describe("TelnetDecoder negotiation", () => {
  test("TelnetDecoder answers DO with WONT", () => {
    const r = decode([bytes(IAC, DO, SGA, "x\n")]);
    expect(r.replies).toEqual([IAC, WONT, SGA]);
    expect(r.inputs).toEqual(lines("x"));
  });
  test("answers WILL with DONT", () => {
    expect(decode([bytes(IAC, WILL, NAWS)]).replies).toEqual([IAC, DONT, NAWS]);
  });
  test("does not answer WONT or DONT", () => {
    expect(decode([bytes(IAC, WONT, ECHO, IAC, DONT, SGA, IAC, DONT, ECHO)]).replies).toEqual([]);
  });
  test("never answers DO ECHO, which only acknowledges our own WILL ECHO", () => {
    expect(decode([bytes(IAC, DO, ECHO)]).replies).toEqual([]);
  });
  test("repeated DO and WILL for the same option are answered once", () => {
    const r = decode([bytes(IAC, DO, SGA, IAC, DO, SGA, IAC, WILL, TTYPE, IAC, DO, SGA, IAC, WILL, TTYPE)]);
    expect(r.replies).toEqual([IAC, WONT, SGA, IAC, DONT, TTYPE]);
  });
  test("hideInput and showInput return WILL ECHO and WONT ECHO", () => {
    const d = new TelnetDecoder(LIMITS, () => {});
    expect([...d.hideInput()]).toEqual([IAC, WILL, ECHO]);
    expect([...d.showInput()]).toEqual([IAC, WONT, ECHO]);
  });
  test("DO ECHO after hideInput is an ack and is not answered", () => {
    const r = decode([bytes(IAC, DO, ECHO, IAC, DO, SGA)], LIMITS, (d) => d.hideInput());
    expect(r.replies).toEqual([IAC, WONT, SGA]);
  });
  test("late acks of hide, show, hide (two password prompts) are not answered", () => {
    // A WONT ECHO here would make the client echo the second password.
    const r = decode([bytes(IAC, DO, ECHO, IAC, DONT, ECHO), bytes(IAC, DO, ECHO)], LIMITS, (d) => {
      d.hideInput();
      d.showInput();
      d.hideInput();
    });
    expect(r.replies).toEqual([]);
  });
  test("negotiation in the middle of a line does not break it", () => {
    const r = decode([bytes("ab", IAC, WILL, NAWS, "cd\n")]);
    expect(r.inputs).toEqual(lines("abcd"));
    expect(r.replies).toEqual([IAC, DONT, NAWS]);
  });
  test("other IAC commands are swallowed", () => {
    expect(decode([bytes("a", IAC, NOP, "b", IAC, AYT, IAC, GA, "c\n")]).inputs).toEqual(lines("abc"));
  });
  test("IAC EC erases a character and IAC EL erases the pending line", () => {
    expect(decode([bytes("abc", IAC, EC, "\n", "junk", IAC, EL, "ok\n")]).inputs).toEqual(lines("ab", "ok"));
  });
});

describe("TelnetDecoder IAC IAC and subnegotiation", () => {
  test("IAC IAC is a literal 0xFF byte, which decodes to U+FFFD", () => {
    expect(decode([bytes("a", IAC, IAC, "b\n")]).inputs).toEqual(lines("a\uFFFDb"));
  });
  test("SB ... IAC SE is skipped, including IAC IAC inside it", () => {
    const r = decode([bytes("a", IAC, SB, NAWS, 0, 80, IAC, IAC, 0, 24, IAC, SE, "b\n")]);
    expect(r.inputs).toEqual(lines("ab"));
    expect(r.replies).toEqual([]);
  });
  test("line terminators inside SB do not end lines", () => {
    expect(decode([bytes("a", IAC, SB, TTYPE, "x\r\ny", IAC, SE, "b\n")]).inputs).toEqual(lines("ab"));
  });
  test("oversized SB is skipped without growing the pending line and text after SE continues", () => {
    const huge = new Uint8Array(1 << 20).fill(0x41);
    const limits = { maxLineBytes: 16, maxUnterminatedBytes: 32, maxSubnegotiationBytes: 8 };
    const r = decode([bytes("pre", IAC, SB, TTYPE), huge, huge, bytes(IAC, SE, "post\n")], limits);
    expect(r.inputs).toEqual(lines("prepost"));
  });
});

describe("TelnetDecoder backspace", () => {
  test("BS and DEL remove the last character", () => {
    expect(decode([bytes("abc", 8, "d", 127, "\n")]).inputs).toEqual(lines("ab"));
  });
  test("backspace on an empty line does nothing", () => {
    expect(decode([bytes(8, 127, "x\n")]).inputs).toEqual(lines("x"));
  });
  test("backspace removes a whole multi-byte character", () => {
    expect(decode([bytes("héllo", 8, "\n", "hé", 8, "\n", "a😀", 127, "\n")]).inputs).toEqual(lines("héll", "h", "a"));
  });
  test("backspace applies across chunks", () => {
    expect(decode([bytes("hé"), bytes(8), bytes(8, "i\n")]).inputs).toEqual(lines("i"));
  });
});

describe("TelnetDecoder UTF-8", () => {
  test("invalid UTF-8 is replaced with U+FFFD", () => {
    expect(decode([bytes("a", 0xc3, "b", 0x80, 0xfe, "\n")]).inputs).toEqual(lines("a\uFFFDb\uFFFD\uFFFD"));
  });
  test("a multi-byte character split across chunks decodes correctly", () => {
    const all = bytes("é😀\n");
    const chunks = Array.from(all, (b) => Uint8Array.of(b));
    expect(decode(chunks).inputs).toEqual(lines("é😀"));
  });
});

describe("TelnetDecoder limits", () => {
  const limits = { maxLineBytes: 5, maxUnterminatedBytes: 10 };
  test("a line longer than maxLineBytes is reported as too-long with its byte count", () => {
    expect(decode([bytes("12345\n123456\nok\n")], limits).inputs).toEqual([
      { kind: "line", text: "12345" },
      { kind: "too-long", bytes: 6 },
      { kind: "line", text: "ok" },
    ]);
  });
  test("limits changed after construction (a config reload) apply to the open connection", () => {
    const live = { maxLineBytes: 5, maxUnterminatedBytes: 100 };
    const d = new TelnetDecoder(live, () => {});
    expect(d.push(bytes("123456\n"))).toEqual([{ kind: "too-long", bytes: 6 }]);
    live.maxLineBytes = 10;
    expect(d.push(bytes("123456\n"))).toEqual(lines("123456"));
  });
  test("line length is measured after backspace processing", () => {
    expect(decode([bytes("1234567", 8, 8, "\n")], limits).inputs).toEqual(lines("12345"));
  });
  test("pending input past maxUnterminatedBytes is a flood and later input is ignored", () => {
    const replies: number[] = [];
    const d = new TelnetDecoder(limits, (b) => replies.push(...b));
    expect(d.push(bytes("ok\n1234567890"))).toEqual(lines("ok"));
    expect(d.push(bytes("1\nmore\n"))).toEqual([{ kind: "flood" }]);
    expect(d.push(bytes("later\n", IAC, DO, SGA))).toEqual([]);
    expect(replies).toEqual([]);
  });
  test("flood is detected within a single chunk even if the line would end later", () => {
    expect(decode([bytes("a\n12345678901\n")], limits).inputs).toEqual([...lines("a"), { kind: "flood" }]);
  });
});

describe("TelnetDecoder chunk boundaries", () => {
  // Every state of the machine appears here at least once, so every split lands somewhere interesting.
  const RICH = bytes(
    IAC, DO, SGA, IAC, WILL, NAWS, IAC, DO, ECHO,
    "hé", IAC, NOP, "llo\r\n",
    IAC, SB, NAWS, 0, 80, IAC, IAC, 0, 24, IAC, SE,
    "a", IAC, IAC, "b\r", 0,
    "bare\rnext", 8, 8, "w",
    IAC, DO, SGA, IAC, WONT, TTYPE,
    "😀x", 127, 127, "y\x1b[A\x1bOB\n",
    "\r\r\n", "été", 8, IAC, EC, "x\n",
    "cut", IAC, EL, "1234567890\n",
    IAC, SB, TTYPE, 1, IAC, SE, IAC, WILL, NAWS, "ü",
  );
  const LIM = { maxLineBytes: 8, maxUnterminatedBytes: 64 };
  const EXPECTED: TelnetInput[] = [
    ...lines("héllo", "a\uFFFDb", "bare", "newy", "", "", "éx"),
    { kind: "too-long", bytes: 10 },
  ];

  const cases: { name: string; setup?: (d: TelnetDecoder) => void; replies: number[] }[] = [
    { name: "plain", replies: [IAC, WONT, SGA, IAC, DONT, NAWS] },
    { name: "after hideInput", setup: (d) => d.hideInput(), replies: [IAC, WONT, SGA, IAC, DONT, NAWS] },
  ];

  for (const c of cases) {
    test(`one chunk gives the expected inputs and replies (${c.name})`, () => {
      const r = decode([RICH], LIM, c.setup);
      expect(r.inputs).toEqual(EXPECTED);
      expect(r.replies).toEqual(c.replies);
    });

    test(`every two-chunk split gives identical results (${c.name})`, () => {
      const whole = decode([RICH], LIM, c.setup);
      for (let i = 0; i <= RICH.length; i++) {
        const split = decode([RICH.subarray(0, i), RICH.subarray(i)], LIM, c.setup);
        expect({ i, ...split }).toEqual({ i, ...whole });
      }
    });

    test(`byte-by-byte feeding gives identical results (${c.name})`, () => {
      const chunks = Array.from(RICH, (b) => Uint8Array.of(b));
      expect(decode(chunks, LIM, c.setup)).toEqual(decode([RICH], LIM, c.setup));
    });
  }

  test("random chunkings give identical results", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000);
    const whole = decode([RICH], LIM);
    for (let round = 0; round < 200; round++) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < RICH.length; ) {
        const n = 1 + Math.floor(rand() * 6);
        chunks.push(RICH.subarray(i, i + n));
        i += n;
      }
      expect(decode(chunks, LIM)).toEqual(whole);
    }
  });
});

describe("TelnetDecoder escape sequences in line mode", () => {
  test("arrow and function keys (CSI and SS3) are dropped whole from the line", () => {
    const r = decode([bytes("a\x1b[Ab\x1b[D\x1b[D\x1b[DX\x1b[1;5Cc\x1bOPd\x1b[15~e\n")]);
    expect(r.inputs).toEqual(lines("abXcde"));
  });
  test("a lone ESC before ordinary text drops only the ESC", () => {
    expect(decode([bytes("\x1bx\x1b\x1b[Ay\n")]).inputs).toEqual(lines("xy"));
  });
  test("a line end inside an unfinished sequence still ends the line", () => {
    expect(decode([bytes("ab\x1b[1\r\ncd\x1bO\n")]).inputs).toEqual(lines("ab", "cd"));
  });
  test("a sequence split across chunks is dropped whole", () => {
    for (let i = 0; i <= 9; i++) {
      const all = bytes("go\x1b[1;2Aon\n");
      expect(decode([all.subarray(0, i), all.subarray(i)]).inputs).toEqual(lines("goon"));
    }
  });
});

describe("TelnetDecoder options it asks for", () => {
  const TTYPE_SEND = [IAC, SB, TTYPE, 1, IAC, SE];
  test("after the probe, WILL TTYPE is answered with SEND once and the name is reported", () => {
    const r = decode([bytes(IAC, WILL, TTYPE, IAC, WILL, TTYPE, IAC, SB, TTYPE, 0, "XTERM-256COLOR", IAC, SE)], LIMITS, (d) => d.probe());
    expect(r.replies).toEqual(TTYPE_SEND);
    expect(r.inputs).toEqual([{ kind: "terminal", name: "XTERM-256COLOR" }]);
  });
  test("the first negotiation says once that the client speaks telnet", () => {
    const d = new TelnetDecoder(LIMITS, () => {});
    expect(d.push(bytes(IAC, WONT, ECHO, IAC, WONT, SGA))).toEqual([{ kind: "telnet" }]);
    expect(d.speaksTelnet).toBe(true);
  });
  test("after offerEditing, DO SGA is offered our echo, and DO ECHO turns character mode on", () => {
    const replies: number[] = [];
    const d = new TelnetDecoder(LIMITS, (b) => replies.push(...b));
    expect(d.offerEditing()).toEqual(bytes(IAC, WILL, SGA, IAC, DO, NAWS));
    expect(d.push(bytes(IAC, DO, SGA))).toEqual([{ kind: "telnet" }]);
    expect(replies).toEqual([IAC, WILL, ECHO]);
    const got = d.push(bytes(IAC, DO, ECHO, IAC, WILL, NAWS, IAC, SB, NAWS, 0, 120, 0, 40, IAC, SE, "hi\r\n", IAC, IAC, "\x1b[A\r", 0));
    expect(got.filter((i) => i.kind !== "telnet")).toEqual([
      { kind: "editing", on: true },
      { kind: "size", width: 120, height: 40 },
      { kind: "keys", bytes: bytes("hi\r", 255, "\x1b[A\r") },
    ]);
    expect(d.editing).toBe(true);
  });
  test("a width of 255 arrives escaped as IAC IAC", () => {
    const r = decode([bytes(IAC, SB, NAWS, 0, IAC, IAC, 0, 24, IAC, SE)], LIMITS, (d) => d.offerEditing());
    expect(r.inputs).toEqual([{ kind: "size", width: 255, height: 24 }]);
  });
  test("hiding input for a password (WILL ECHO alone) is not character mode", () => {
    const r = decode([bytes(IAC, DO, ECHO, "secret\r\n")], LIMITS, (d) => d.hideInput());
    expect(r.inputs).toEqual(lines("secret"));
  });
  test("a client that refuses SGA stays in line mode and is never offered our echo", () => {
    const r = decode([bytes(IAC, DONT, SGA, IAC, WONT, NAWS, "x\n")], LIMITS, (d) => d.offerEditing());
    expect(r.inputs).toEqual(lines("x"));
    expect(r.replies).toEqual([]);
  });
  test("stopEditing returns to line mode", () => {
    const d = new TelnetDecoder(LIMITS, () => {});
    d.offerEditing();
    d.push(bytes(IAC, DO, SGA, IAC, DO, ECHO));
    expect(d.editing).toBe(true);
    expect(d.stopEditing()).toEqual(bytes(IAC, WONT, ECHO, IAC, WONT, SGA));
    expect(d.push(bytes("back\r\n"))).toEqual(lines("back"));
  });
  test("every split of a character-mode session gives the same keys", () => {
    const all = bytes(IAC, DO, SGA, IAC, DO, ECHO, "h\u00e9\r\n", IAC, SB, NAWS, 0, 90, 0, 30, IAC, SE, "x\x1b[Dy\r", 0, "z");
    const run = (chunks: Uint8Array[]) => {
      const d = new TelnetDecoder(LIMITS, () => {});
      d.offerEditing();
      const got = chunks.flatMap((c) => d.push(c));
      // Keys come in as many pieces as the chunks cut them into; joined they must be the same.
      const keys = got.flatMap((i) => (i.kind === "keys" ? [...i.bytes] : []));
      return { keys, rest: got.filter((i) => i.kind !== "keys") };
    };
    const whole = run([all]);
    expect(whole.keys).toEqual([...bytes("h\u00e9\r", "x\x1b[Dy\r", "z")]);
    for (let i = 0; i <= all.length; i++) expect(run([all.subarray(0, i), all.subarray(i)])).toEqual(whole);
  });
});
