import { argsFromFrame, argsFromLine, argUsage, usageOf, type ArgSpec, type ArgsOf } from "./args.ts";
import { fail } from "./errors.ts";
import type { HelpEntry } from "./events.ts";
import type { CommandContext } from "./context.ts";

/** One command: everything /help says about it, how its arguments are read, and what it does. */
export interface Command<S extends readonly ArgSpec[] = readonly ArgSpec[]> {
  name: string;
  aliases?: readonly string[];
  /** The original design's Spanish names; using one may offer Spanish messages. */
  spanish?: readonly string[];
  args: S;
  /** Works before logging in (help, quit, and the logins themselves). */
  beforeLogin?: boolean;
  /** Part of the protocol, not something people type: left out of /help. */
  hidden?: boolean;
  run(ctx: CommandContext, args: ArgsOf<S>): unknown;
}

/** Declares a command, inferring its arguments' types from `args`. */
export function command<const S extends readonly ArgSpec[]>(c: Command<S>): Command {
  return c as unknown as Command;
}

/** A command and its arguments, from a typed line or a frame. */
export interface Invocation {
  command: Command;
  args: Record<string, unknown>;
  /** The name the user typed, which may be an alias. */
  as: string;
}

export class Registry {
  private readonly byName = new Map<string, Command>();
  private readonly list: Command[] = [];

  constructor(commands: Command[]) {
    for (const c of commands) {
      for (const name of [c.name, ...(c.aliases ?? []), ...(c.spanish ?? [])]) {
        if (this.byName.has(name)) throw new Error(`Command name /${name} is declared twice`);
        this.byName.set(name, c);
      }
      this.list.push(c);
    }
  }

  /** The commands /help lists, in order. */
  get visible(): readonly Command[] {
    return this.list.filter((c) => !c.hidden);
  }

  /** Every name a visible command answers to (for Tab completion). */
  names(): string[] {
    return this.visible.flatMap((c) => [c.name, ...(c.aliases ?? []), ...(c.spanish ?? [])]);
  }

  find(name: string): Command | undefined {
    return this.byName.get(name.replace(/^\//, "").toLowerCase());
  }

  /**
   * What a typed line means, on every client alike: "/cmd args" a command, "!nick text" a private
   * message (the original design's), "//text" the text "/text", anything else text to say.
   */
  parse(line: string): Invocation {
    if (line.startsWith("//")) return this.say(line.slice(1));
    if (/^![^\s!]/.test(line)) return this.invoke("msg", line.slice(1));
    if (!line.startsWith("/")) return this.say(line);
    const m = /^\/(\S*)\s*([\s\S]*)$/.exec(line)!;
    return this.invoke(m[1]!.toLowerCase(), m[2]!);
  }

  /** A frame's command: its type names the command, its fields are the arguments. */
  fromFrame(type: string, fields: Record<string, unknown>): Invocation {
    const command = this.byName.get(type);
    // Only canonical names: an alias is for people typing, a frame says what it means.
    if (!command || command.name !== type) throw fail("bad_frame", { detail: `unknown frame type ${JSON.stringify(type)}` });
    return { command, args: argsFromFrame(command.args, () => usage(command), fields), as: type };
  }

  private say(text: string): Invocation {
    return { command: this.byName.get("say")!, args: { text }, as: "say" };
  }

  private invoke(name: string, input: string): Invocation {
    const command = this.byName.get(name);
    if (!command) throw fail("unknown_command", { command: name });
    const args = argsFromLine(command.args, input);
    if (!args) throw fail("usage", { usage: usage(command) });
    return { command, args, as: name };
  }

  help(): HelpEntry[] {
    return this.visible.map(helpEntry);
  }
}

export function usage(c: Command): string {
  return usageOf(c.name, c.args);
}

export function helpEntry(c: Command): HelpEntry {
  return { name: c.name, aliases: [...(c.aliases ?? []), ...(c.spanish ?? [])], args: c.args.map(argUsage).join(" ") };
}
