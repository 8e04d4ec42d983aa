import { z } from "zod";
import { STATUSES } from "../core/types.ts";

// Frames a web client may send. Each is validated here, so the hub only sees well-formed input.

// JSON can carry what a line from a terminal cannot: NUL and unpaired surrogates. Refuse both.
const text = z.string().refine((s) => !s.includes("\u0000"), "must not contain NUL")
  .refine((s) => s.isWellFormed(), "must not contain a lone surrogate");
const name = text.pipe(z.string().min(1).max(64));

export const clientFrame = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("login"), nick: name, password: text.pipe(z.string().min(1).max(1024)) }),
  z.strictObject({ type: z.literal("resume"), token: z.string().min(1).max(1024), since: z.number().int().min(0).optional(), room: name.optional() }),
  z.strictObject({ type: z.literal("say"), text }),
  z.strictObject({ type: z.literal("msg"), to: name, text }),
  z.strictObject({ type: z.literal("join"), room: name }),
  z.strictObject({ type: z.literal("leave") }),
  z.strictObject({ type: z.literal("status"), status: z.enum(STATUSES), note: text.optional() }),
  z.strictObject({
    type: z.literal("history"),
    room: name.optional(),
    with: name.optional(),
    before: z.number().int().min(1).optional(),
    limit: z.number().int().min(1).optional(),
  }).refine((f) => (f.room === undefined) !== (f.with === undefined), "give either room or with"),
  z.strictObject({ type: z.literal("line"), text }),
]);

export type ClientFrame = z.output<typeof clientFrame>;

/** Parses one text frame; returns the frame, or the one-line reason it was refused. */
export function parseFrame(data: string): { frame: ClientFrame } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { error: "Frame is not valid JSON" };
  }
  const parsed = clientFrame.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const issue = parsed.error.issues[0]!;
  if (issue.code === "invalid_union" && issue.path.join(".") === "type") {
    const type = (json as { type?: unknown })?.type;
    return { error: type === undefined ? "Frame has no type" : `Unknown frame type ${JSON.stringify(type)}` };
  }
  const at = issue.path.join(".");
  const message = issue.message.replace(/^Invalid input: /, "").replace(/^Unrecognized key/, "unknown field");
  return { error: `${at ? `${at}: ` : ""}${message}` };
}
