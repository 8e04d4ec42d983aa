import { describe, expect, test } from "bun:test";
import { Screen } from "../../test/screen.ts";
import { HISTORY_SIZE, LineEditor, type Completer, type EditorAction } from "./editor.ts";

const enc = new TextEncoder();
const UP = "\x1b[A", DOWN = "\x1b[B", RIGHT = "\x1b[C", LEFT = "\x1b[D", HOME = "\x1b[H", END = "\x1bOF", DEL = "\x1b[3~";

/** An editor drawing on a test screen; `type` feeds keys byte by byte, as a slow client would. */
function setup(options: { width?: number; screenWidth?: number; prompt?: string; complete?: Completer; maxBytes?: number } = {}) {
  const screen = new Screen(options.screenWidth ?? options.width ?? 80);
  const editor = new LineEditor({ ...options, write: (b) => screen.write(b) });
  editor.redraw();
  const actions: EditorAction[] = [];
  const type = (keys: string) => {
    for (const b of enc.encode(keys)) actions.push(...editor.feed(Uint8Array.of(b)));
  };
  const lines = () => actions.flatMap((a) => (a.kind === "line" ? [a.text] : []));
  return { screen, editor, type, actions, lines };
}

describe("LineEditor typing and sending", () => {
  test("typed text is echoed after the prompt and Enter gives the line", () => {
    const { screen, type, lines } = setup({ prompt: "> " });
    type("hola");
    expect(screen.lines()).toEqual(["> hola"]);
    expect(screen.col).toBe(6);
    type("\r");
    expect(lines()).toEqual(["hola"]);
    // The sent line leaves the screen: the server shows it back once, as stored.
    expect(screen.lines()).toEqual(["> "]);
  });

  test("a line printed while typing goes above and the half line is drawn again with the cursor where it was", () => {
    const { screen, editor, type } = setup({ prompt: "> " });
    type("Hi everyone, I wanted" + LEFT + LEFT);
    for (const n of [1, 2, 3]) editor.print(enc.encode(`[05:00] <ana> message ${n}\r\n`));
    expect(screen.lines()).toEqual([
      "[05:00] <ana> message 1", "[05:00] <ana> message 2", "[05:00] <ana> message 3", "> Hi everyone, I wanted",
    ]);
    expect([screen.row, screen.col]).toEqual([3, 21]);
    type("X\r");
    expect(screen.lines().at(-1)).toBe("> ");
  });

  test("backspace, Delete, Left, Right, Home, End, Ctrl-A and Ctrl-E edit where the cursor is", () => {
    const { type, lines } = setup();
    type("abcd" + LEFT + LEFT + "\x7f" + "X" + HOME + DEL + "Y" + END + "Z" + "\x01" + "<" + "\x05" + ">" + RIGHT + "\r");
    expect(lines()).toEqual(["<YXcdZ>"]);
  });

  test("Ctrl-U deletes before the cursor, Ctrl-K after it, Ctrl-W the word before it", () => {
    const { type, lines } = setup();
    type("one two  three" + "\x17" + "\r");
    type("keep this" + LEFT + LEFT + LEFT + LEFT + "\x15" + "\r");
    type("abc" + HOME + RIGHT + "\x0b" + "\r");
    expect(lines()).toEqual(["one two  ", "this", "a"]);
  });

  test("Ctrl-C clears the line and Ctrl-D on an empty line quits", () => {
    const { screen, type, actions } = setup({ prompt: "> " });
    type("oops\x03");
    expect(screen.lines()).toEqual(["> "]);
    type("ab" + LEFT + "\x04" + "\r");
    expect(actions).toEqual([{ kind: "line", text: "a", secret: false }]);
    type("\x04");
    expect(actions.at(-1)).toEqual({ kind: "quit" });
  });

  test("Ctrl-L draws the line again", () => {
    const { screen, type } = setup({ prompt: "> " });
    type("abc");
    screen.write("garbage");
    type("\x0c");
    expect(screen.lines()).toEqual(["> abc"]);
  });

  test("a chunk of many keys is applied, then drawn once", () => {
    let writes = 0;
    const editor = new LineEditor({ write: () => void writes++, maxBytes: 4096 });
    editor.feed(enc.encode("x".repeat(4000)));
    writes = 0;
    // Ctrl-B and Ctrl-F: a client sending keys as fast as it can costs one drawing per chunk.
    const actions = editor.feed(enc.encode("\x02\x06".repeat(50_000) + "\x02y\r"));
    expect(actions).toEqual([{ kind: "line", text: "x".repeat(3999) + "yx", secret: false }]);
    expect(writes).toBeLessThanOrEqual(2);
  });

  test("a line past maxBytes rings the bell instead of growing", () => {
    const { screen, type, lines } = setup({ maxBytes: 3 });
    type("abcd\r");
    expect(lines()).toEqual(["abc"]);
    expect(screen.bells).toBe(1);
  });
});

describe("LineEditor history", () => {
  test("Up and Down go through the lines sent, and back to the unfinished one", () => {
    const { type, lines } = setup();
    type("first\rsecond\rdraft" + UP + UP + "\r");
    type(UP + UP + DOWN + "\r");
    type("new" + UP + DOWN + "\r");
    expect(lines()).toEqual(["first", "second", "first", "first", "new"]);
  });

  test(`keeps the last ${HISTORY_SIZE} lines`, () => {
    const { type, lines } = setup();
    for (let i = 0; i < HISTORY_SIZE + 5; i++) type(`line ${i}\r`);
    type(UP.repeat(HISTORY_SIZE + 10) + "\r");
    expect(lines().at(-1)).toBe("line 5");
  });
});

describe("LineEditor display width", () => {
  test("backspace over a CJK character removes it whole and moves the cursor two columns", () => {
    const { screen, type, lines } = setup({ prompt: "> " });
    type("日本");
    expect(screen.col).toBe(6);
    type("\x7f");
    expect(screen.lines()).toEqual(["> 日"]);
    expect(screen.col).toBe(4);
    type("\r");
    expect(lines()).toEqual(["日"]);
  });

  test("Left moves over an emoji or a letter with a combining mark as one character", () => {
    const { screen, type, lines } = setup();
    type("a👍e\u0301" + LEFT);
    expect(screen.col).toBe(3);
    type(LEFT);
    expect(screen.col).toBe(1);
    type("x\r");
    expect(lines()).toEqual(["ax👍e\u0301"]);
  });

  test("a long input wraps at the width, and the cursor keeps its place across rows", () => {
    const { screen, editor, type } = setup({ width: 10, prompt: "> " });
    type("abcdefghijklmnopq");
    expect(screen.lines()).toEqual(["> abcdefgh", "ijklmnopq"]);
    type(HOME);
    expect([screen.row, screen.col]).toEqual([0, 2]);
    editor.print(enc.encode("news\r\n"));
    expect(screen.lines()).toEqual(["news", "> abcdefgh", "ijklmnopq"]);
    expect([screen.row, screen.col]).toEqual([1, 2]);
  });

  test("a wide character that does not fit at the end of a row starts the next", () => {
    const { screen, type } = setup({ width: 10, prompt: "> " });
    type("abcdefg日x");
    expect(screen.lines()).toEqual(["> abcdefg", "日x"]);
    expect([screen.row, screen.col]).toEqual([1, 3]);
  });

  test("a new width takes effect at once", () => {
    const { screen, editor, type } = setup({ width: 10, screenWidth: 20, prompt: "> " });
    type("abcdefghijkl");
    expect(screen.lines()).toEqual(["> abcdefgh", "ijkl"]);
    editor.resize(20);
    expect(screen.lines()).toEqual(["> abcdefghijkl"]);
    expect([screen.row, screen.col]).toEqual([0, 14]);
  });
});

describe("LineEditor questions", () => {
  test("a secret answer shows nothing, survives incoming lines and is not kept in history", () => {
    const { screen, editor, type, actions } = setup({ prompt: "> " });
    editor.ask("Password: ", true);
    type("hun");
    editor.print(enc.encode("[05:00] <ana> hi\r\n"));
    type("ter2\r");
    expect(actions).toEqual([{ kind: "line", text: "hunter2", secret: true }]);
    expect(screen.lines()).toEqual(["[05:00] <ana> hi", "Password: ", "> "]);
    type(UP + "\r");
    expect(actions.at(-1)).toEqual({ kind: "line", text: "", secret: false });
  });

  test("an answer to a plain question stays under it", () => {
    const { screen, editor, type, lines } = setup({ prompt: "> " });
    editor.ask("Nickname: ", false);
    type("ana\r");
    expect(lines()).toEqual(["ana"]);
    expect(screen.lines()).toEqual(["Nickname: ana", "> "]);
  });
});

describe("LineEditor completion", () => {
  const names: Completer = (word, command) =>
    (command ? ["help", "history", "join"] : ["#dev", "#design", "ana", "anabel", "beto"]).filter((n) => n.toLowerCase().startsWith(word.toLowerCase()));

  test("Tab completes a nick at the start with a colon, a room, and a command", () => {
    const { type, lines } = setup({ complete: names });
    type("be\tok\r");
    type("/jo\t#dev\r");
    type("see #des\tnow\r");
    expect(lines()).toEqual(["beto: ok", "/join #dev", "see #design now"]);
  });

  test("several candidates complete what they share, or are listed above the line", () => {
    const { screen, type, lines } = setup({ complete: names, prompt: "> " });
    type("an\t");
    expect(screen.lines()).toEqual(["> ana"]);
    type("\x15/h\t");
    expect(screen.lines()).toEqual(["/help  /history", "> /h"]);
    type("i\t\r");
    expect(lines()).toEqual(["/history "]);
  });

  test("nothing to complete rings the bell", () => {
    const { screen, type } = setup({ complete: names });
    type("zz\t");
    expect(screen.bells).toBe(1);
  });
});
