// The sidebar's own forms and the header's Leave: the user's status and note, joining or
// creating a room by name, and keeping "Other rooms" fresh when the user goes looking for one.

import type { ClientFrame, Status } from "../server/ws/protocol.ts";
import { byId } from "./dom.ts";
import { closeSidebar } from "./drawer.ts";

export interface ControlsHost {
  send(frame: ClientFrame): boolean;
  /** The room the user is in, to open instead of joining it again. */
  isMember(room: string): boolean;
  open(room: string): void;
  /** The conversation shown, when it is a room. */
  activeRoom(): string | undefined;
  /** Asks for the room list without drawing it in the log. */
  refreshRooms(): void;
}

export function wireControls(host: ControlsHost) {
  const statusSelect = byId<HTMLSelectElement>("status-select");
  const statusNote = byId<HTMLInputElement>("status-note");
  const sendStatus = () => host.send({ type: "status", status: statusSelect.value as Status, note: statusNote.value.trim() });
  statusSelect.addEventListener("change", sendStatus);
  byId<HTMLFormElement>("note-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sendStatus();
    statusNote.blur();
  });

  byId<HTMLFormElement>("new-room-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const field = byId<HTMLInputElement>("new-room");
    const name = field.value.trim();
    if (!name) return;
    const room = name.startsWith("#") ? name : `#${name}`;
    if (host.isMember(room)) host.open(room);
    else if (!host.send({ type: "join", room })) return;
    field.value = "";
    closeSidebar();
  });

  // Rooms made since the welcome show up among the others when the user looks for one.
  byId("new-room").addEventListener("focus", host.refreshRooms);
  byId("sidebar-toggle").addEventListener("click", () => {
    if (byId("app").classList.contains("app--sidebar-open")) host.refreshRooms();
  });

  byId("leave-room").addEventListener("click", () => {
    const room = host.activeRoom();
    if (room !== undefined) host.send({ type: "leave", room });
  });
}
