import { CommandError, UsageError } from "./errors.ts";
import type { Hub } from "./hub.ts";
import type { Session } from "./session.ts";
import type { User } from "./types.ts";

export interface CommandContext {
  hub: Hub;
  session: Session;
  user: User;
}

/** One slash command: everything /help says about it, and what it does. */
export interface Command {
  name: string;
  aliases?: string[];
  /** Arguments as /help shows them, e.g. "<nick> <text>". */
  args?: string;
  help: string;
  run(ctx: CommandContext, args: string): Promise<unknown> | unknown;
}

/** What a typed line means, before any command runs. */
export type ParsedLine = { command: string; args: string } | { text: string };

export function parseLine(line: string): ParsedLine {
  if (line.startsWith("//")) return { text: line.slice(1) };
  if (line.startsWith("/")) {
    const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line)!;
    return { command: match[1]!.toLowerCase(), args: match[2]!.trim() };
  }
  // "!nick text" is the original design's private message.
  if (/^![^\s!]/.test(line)) return { command: "msg", args: line.slice(1).trim() };
  return { text: line };
}

export class Registry {
  private readonly byName = new Map<string, Command>();
  private readonly list: Command[] = [];

  constructor(commands: Command[], private readonly say: (ctx: CommandContext, text: string) => unknown) {
    for (const c of commands) {
      for (const name of [c.name, ...(c.aliases ?? [])]) {
        if (this.byName.has(name)) throw new Error(`Command name /${name} is declared twice`);
        this.byName.set(name, c);
      }
      this.list.push(c);
    }
  }

  get all(): readonly Command[] {
    return this.list;
  }

  find(name: string): Command | undefined {
    return this.byName.get(name.replace(/^\//, "").toLowerCase());
  }

  async run(ctx: CommandContext, line: string) {
    const parsed = parseLine(line);
    if ("text" in parsed) return this.say(ctx, parsed.text);
    const command = this.byName.get(parsed.command);
    if (!command) throw new CommandError(`Unknown command /${parsed.command}; type /help for the list`, "unknown_command");
    return command.run(ctx, parsed.args);
  }
}

export function usage(c: Command): string {
  return `/${c.name}${c.args ? " " + c.args : ""}`;
}

/** Splits off the first word; throws the command's usage when a required part is missing. */
export function firstWord(c: Command, args: string, restRequired = true): [string, string] {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(args);
  if (!m || (restRequired && m[2]!.trim() === "")) throw new UsageError(usage(c));
  return [m[1]!, m[2]!];
}
