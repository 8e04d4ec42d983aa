import type { RoomSummary } from "../../core/room-admin.ts";
import { AdminError } from "./client.ts";
import { need, plural, show, type AdminCommand } from "./command.ts";
import { table, when } from "./output.ts";

// `chat admin rooms` and `chat admin room delete`: the operator's view of rooms, and the one way to remove one.

/** A room as the admin API sends it: its dates as ISO text. */
type RoomRow = Omit<RoomSummary, "createdAt" | "lastActivity"> & { createdAt: string; lastActivity: string };

async function listRooms(ctx: Parameters<AdminCommand["run"]>[0], pattern: string): Promise<RoomRow[]> {
  const { rooms } = await ctx.client.call<{ rooms: RoomRow[] }>("GET", `/rooms?${new URLSearchParams({ pattern })}`);
  return rooms;
}

export const rooms: AdminCommand = {
  name: "rooms",
  args: "[pattern]",
  help: "Rooms whose name contains pattern: members, online, messages, last activity and topic",
  async run(ctx, args) {
    const rows = await listRooms(ctx, args.join(" "));
    const now = new Date();
    show(ctx, rows, () => rows.length === 0 ? "No rooms" : table(ctx.out,
      ["ROOM", "MEMBERS", "ONLINE", "MESSAGES", "LAST ACTIVITY", "TOPIC"],
      rows.map((r) => [r.room.name, String(r.members), String(r.online), String(r.messages), when(r.lastActivity, now), r.topic || "-"]),
    ));
  },
};

export const room: AdminCommand = {
  name: "room",
  args: "delete <#name> --yes",
  help: "Delete a room with its messages; members online are told and moved out (--yes to confirm; the lobby stays)",
  async run(ctx, args) {
    need(args, 2, room);
    if (args[0] !== "delete") throw new AdminError(`Unknown room action "${args[0]}". Usage: chat admin ${room.name} ${room.args}`);
    const name = args[1]!.startsWith("#") ? args[1]! : `#${args[1]}`;
    if (!ctx.flags.yes) {
      // Says what would go, so the operator confirms knowing it; nothing is changed.
      const found = (await listRooms(ctx, name)).find((r) => r.room.name.toLowerCase() === name.toLowerCase());
      if (!found) throw new AdminError(`No room named ${name}`);
      throw new AdminError(`This deletes ${found.room.name}, its ${plural(found.messages, "message")} and ${plural(found.members, "membership")}; `
        + `to do it: chat admin room delete ${found.room.name} --yes`);
    }
    const r = await ctx.client.call<{ room: string; members: number; messages: number }>("POST", "/room/delete", { room: name });
    show(ctx, r, () => `Deleted ${r.room}, its ${plural(r.messages, "message")} and ${plural(r.members, "membership")}`);
  },
};
