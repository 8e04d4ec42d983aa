import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { AdminClient } from "./client.ts";
import { ADMIN_COMMANDS } from "./commands.ts";
import { OPTIONS, runCommand } from "./dispatch.ts";
import { bold, type Output } from "./output.ts";

// The interactive console of `chat admin`, after the original design's console(): the same
// commands as the command line, with line editing, history and help.

const HISTORY_SIZE = 500;

export async function runConsole(client: AdminClient, out: Output): Promise<number> {
  // Says "Connected" only once the server has answered; one that cannot be reached is an error, as on the command line.
  try {
    await client.call("GET", "/status");
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, historySize: HISTORY_SIZE, prompt: "chat> ", terminal: process.stdin.isTTY === true });
  out.line(`Connected to ${client.url}. Type help for the commands, exit to leave.`);
  let running: AbortController | null = null;
  // Ctrl-C ends a running `log -f`; at the prompt it leaves the console.
  rl.on("SIGINT", () => (running ? running.abort() : rl.close()));
  // Piped input ends (and closes readline) while its last commands still run; they are still read
  // from readline's buffer, but prompting after the close throws.
  let closed = false;
  rl.on("close", () => (closed = true));
  const prompt = () => closed || rl.prompt();
  prompt();
  for await (const line of rl) {
    const words = splitWords(line);
    if (words.length === 0) {
      prompt();
      continue;
    }
    if (words[0] === "exit" || words[0] === "quit") break;
    if (words[0] === "help" || words[0] === "?") {
      out.line(consoleHelp(out, words[1]));
    } else {
      running = new AbortController();
      try {
        const { values, positionals } = parseArgs({ args: words, allowPositionals: true, options: OPTIONS });
        await runCommand(client, { ...out, json: out.json || values.json === true }, positionals, values, running.signal);
      } catch (e) {
        console.error((e as Error).message);
      }
      running = null;
    }
    prompt();
  }
  rl.close();
  return 0;
}

function consoleHelp(out: Output, name?: string): string {
  if (name) {
    const c = ADMIN_COMMANDS.find((c) => c.name === name);
    return c ? `${bold(out, `${c.name} ${c.args ?? ""}`.trimEnd())}\n  ${c.help}` : `Unknown command "${name}"; type help for the list`;
  }
  const width = Math.max(...ADMIN_COMMANDS.map((c) => `${c.name} ${c.args ?? ""}`.length));
  return [
    ...ADMIN_COMMANDS.map((c) => `  ${bold(out, `${c.name} ${c.args ?? ""}`.padEnd(width))}  ${c.help}`),
    `  ${"help [command]".padEnd(width)}  This list, or one command`,
    `  ${"exit".padEnd(width)}  Leave the console (also Ctrl-C or Ctrl-D)`,
    "Add --json to a command for JSON. Up and down arrows recall earlier commands.",
  ].join("\n");
}

/** Splits a console line into words; "double" or 'single' quotes keep spaces inside one word. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}
