// `chat connect HOST[:PORT]`: the chat in this terminal, over the server's WebSocket protocol, with
// the same line editor, colours and bells as telnet. The terminal is put in raw mode for the
// editor and given back as it was on every way out: Ctrl-C or Ctrl-D on an empty line, /quit, the
// server gone for good, SIGTERM, SIGHUP.

import { parseArgs } from "node:util";
import { createRegistry } from "../core/commands/index.ts";
import { LANGS, type Lang } from "../core/types.ts";
import { LineEditor } from "../tcp/editor.ts";
import { ChatClient } from "./connect/client.ts";

const USAGE = `Usage: chat connect HOST[:PORT] [--tls] [--insecure] [--lang en|es]

  HOST[:PORT]   the server's HTTP port (default 8080); http://… and https://… URLs work too
  --tls         connect with TLS (wss://); implied by https://
  --insecure    accept a certificate that cannot be verified (a self-signed test server)
  --lang en|es  the language until your account chooses one with /set lang`;

/** The WebSocket URL for what the user typed, or an error message. */
export function serverUrl(target: string, tls: boolean): string {
  const withScheme = /^[a-z]+:\/\//i.test(target) ? target : `${tls ? "https" : "http"}://${target}`;
  const url = new URL(withScheme);
  if (!["http:", "https:", "ws:", "wss:"].includes(url.protocol)) throw new Error(`Unsupported scheme "${url.protocol}"`);
  const secure = tls || url.protocol === "https:" || url.protocol === "wss:";
  url.protocol = secure ? "wss:" : "ws:";
  if (!url.port && !/^[a-z]+:\/\//i.test(target)) url.port = "8080";
  url.pathname = "/ws";
  return url.toString();
}

export async function connectMain(argv: string[]): Promise<number> {
  let url: string;
  let values;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { tls: { type: "boolean" }, insecure: { type: "boolean" }, lang: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    values = parsed.values;
    if (values.help) return (console.log(USAGE), 0);
    if (parsed.positionals.length !== 1) throw new Error("Give one server: chat connect HOST[:PORT]");
    if (values.lang !== undefined && !(LANGS as readonly string[]).includes(values.lang)) throw new Error(`Unknown language "${values.lang}" (en or es)`);
    url = serverUrl(parsed.positionals[0]!, values.tls ?? false);
  } catch (e) {
    console.error(`${(e as Error).message}. Try chat connect --help`);
    return 2;
  }
  const lang = (values.lang ?? (/^es/i.test(process.env.LANG ?? "") ? "es" : "en")) as Lang;
  return run(url, { insecure: values.insecure ?? false, lang });
}

function run(url: string, { insecure, lang }: { insecure: boolean; lang: Lang }): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const raw = stdin.isTTY === true;
  const encoder = new TextEncoder();
  const commands = createRegistry().names();
  let answer: ((line: string) => void) | null = null;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const editor = new LineEditor({
    write: (bytes) => void stdout.write(bytes),
    width: stdout.columns || 80,
    prompt: "> ",
    interruptQuits: true,
    complete: (word, command) => (command ? commands.filter((c) => c.startsWith(word.toLowerCase())) : client.complete(word)),
  });
  const client = new ChatClient(
    { url, insecure, lang, colour: raw && stdout.isTTY === true && !process.env.NO_COLOR, width: stdout.columns || 80 },
    {
      print: (text) => editor.print(encoder.encode(text)),
      ask: (prompt, secret) => {
        editor.ask(prompt, secret);
        return new Promise((resolve) => (answer = resolve));
      },
      done: (code) => end(code),
    },
  );

  let ended = false;
  const restore = () => {
    editor.clear();
    if (raw) stdin.setRawMode(false);
  };
  const end = (code: number) => {
    if (ended) return;
    ended = true;
    restore();
    stdin.pause();
    finish(code);
  };
  // Whatever ends the process, the terminal is given back first.
  process.on("exit", () => !ended && restore());
  for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"] as const) process.on(signal, () => client.quit());
  stdout.on("resize", () => {
    client.view.width = stdout.columns || 80;
    editor.resize(client.view.width);
  });

  if (raw) stdin.setRawMode(true);
  stdin.on("data", (chunk: Buffer) => {
    for (const action of editor.feed(chunk)) {
      if (action.kind === "quit") return client.quit();
      const waiting = answer;
      answer = null;
      if (waiting) waiting(action.text);
      else client.typed(action.text);
    }
  });
  stdin.on("end", () => client.quit());
  editor.redraw();
  client.start();
  return finished;
}
