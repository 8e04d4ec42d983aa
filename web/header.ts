// The top bar and what follows the conversation shown: its name with the room's topic under it,
// the Leave button, the message box's wording, the menu's unread count and the page title.

import type { Conversation } from "./conversation.ts";
import { byId } from "./dom.ts";

/** The conversation's name, and for a room its topic ("" hides the line). */
export function showConversation(conv: Conversation, topic: string) {
  byId("current-title").textContent = conv.isRoom ? conv.name : `${conv.name} (private)`;
  showTopic(conv.isRoom ? topic : "");
  byId<HTMLInputElement>("composer-input").placeholder = conv.isRoom ? `Message ${conv.name}` : `Message ${conv.name} privately`;
  byId("composer-label").textContent = conv.isRoom ? `Message to ${conv.name}` : `Private message to ${conv.name}`;
}

/** A long topic is cut with an ellipsis by the stylesheet; the whole of it is in the tooltip. */
export function showTopic(topic: string) {
  const node = byId("current-topic");
  node.textContent = topic;
  node.title = topic;
  node.hidden = !topic;
}

/** Leave shows for a room, when the user has another to be in. */
export function showLeave(active: Conversation | undefined, rooms: number) {
  const leave = byId("leave-room");
  leave.hidden = !active?.isRoom || rooms < 2;
  leave.setAttribute("aria-label", `Leave ${active?.name ?? "the room"}`);
}

/** What is unread everywhere: on the phone's menu button and in the page title (`(3) #club · acme`). */
export function showUnread(unread: number, active: string | undefined, serverName: string) {
  const menu = byId("menu-unread");
  menu.textContent = unread ? String(unread) : "";
  menu.hidden = unread === 0;
  document.title = `${unread ? `(${unread}) ` : ""}${active ?? serverName}${active ? ` · ${serverName}` : ""}`;
}
