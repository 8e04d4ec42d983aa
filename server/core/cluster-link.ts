import type { PresenceEvent } from "./events.ts";
import type { RemoteUser } from "./presence.ts";
import type { ChatMessage, ConversationState, NewMessage, RoomRef } from "./types.ts";

// What passes between the nodes of a cluster, and what the core asks of whatever carries it
// (server/cluster/pg-link.ts, over PostgreSQL). cluster.ts is what a node does with it.

/** A control event: small JSON that one node sends every other (server/cluster/ carries it). */
export type ControlEvent =
  /** A change to one of the sender's accounts, with the account as it is there now (null: gone from it). */
  | { t: "presence"; event: PresenceEvent; user: RemoteUser | null }
  /** Close every session of `nick`; with `ban`, as a ban does. */
  | { t: "kick"; nick: string; reason: string; ban?: { nick: string; until: string | null; reason: string; createdAt: string; createdBy: string } }
  | { t: "announce"; text: string }
  /** `nick` moved a read marker: the conversation's counts now, for the account's sessions elsewhere. */
  | { t: "read"; nick: string; state: ConversationState }
  | { t: "motd"; motd: string[] }
  /** `nick` set (or with "" cleared) the room's topic. */
  | { t: "topic"; room: RoomRef; nick: string; topic: string }
  /** The operator deleted the room: its members are moved out of it. */
  | { t: "room_deleted"; room: RoomRef }
  /** The sender started or stopped: forget whatever it said of its accounts. */
  | { t: "bye" }
  /** Something was lost (an event too big to send): read the other nodes' accounts again. */
  | { t: "reload" };

/** A message another node stored, with what delivery needs to know of it. */
export interface ForeignMessage {
  message: ChatMessage;
  sent: NewMessage;
}

/** A batch some node stored, as its wake-up tells it: ids `first` to `last`, with its messages when they fit. */
export interface StoredBatch {
  from: string;
  first: number;
  last: number;
  /** Absent when the batch was too big to travel in the wake-up: then it is read from the database. */
  messages?: ForeignMessage[];
}

/** What the core needs of the other nodes; server/cluster/pg-link.ts provides it over PostgreSQL. */
export interface ClusterLink {
  readonly node: string;
  /** Registers the node, starts listening and its timers; calls `listener.resync()` whenever listening (re)starts. */
  start(listener: ClusterListener): Promise<void>;
  /** Removes the node and its accounts at once, and tells the others. */
  stop(): Promise<void>;
  lastMessageId(): Promise<number>;
  /** Stored messages after `cursor`, in id order, at most `limit`. */
  messagesAfter(cursor: number, limit: number): Promise<ForeignMessage[]>;
  /** Sends a control event to every other node; with `account`, first records it as this node's (null: gone). */
  publish(event: ControlEvent, account?: { nick: string; user: RemoteUser | null }): void;
  /** What every other live node has recorded of its accounts. */
  remoteUsers(): Promise<{ node: string; user: RemoteUser }[]>;
  /** The live nodes, this one among them, for `chat admin nodes`. */
  nodes(): Promise<NodeInfo[]>;
  /** Users and connections over every live node, read now: this node's connections as they are, the others' as of their last heartbeat. */
  totals(): Promise<ClusterTotals>;
  /** The totals this node's last heartbeat read, for /metrics, which never waits on the database; null before the first. */
  readonly lastTotals: ClusterTotals | null;
}

/** What every live node has together, for `chat admin status` and /metrics. */
export interface ClusterTotals {
  nodes: number;
  /** Accounts online on any node, each once. */
  usersOnline: number;
  /** Open connections by transport, added up over the nodes. */
  connections: Record<string, number>;
}

export interface NodeInfo {
  name: string;
  startedAt: string;
  heartbeatAt: string;
  users: number;
  connections: Record<string, number>;
}

/** What the link tells this node. */
export interface ClusterListener {
  /** A batch was stored (wake-ups come in commit order, which is id order). */
  committed(batch: StoredBatch): void;
  control(from: string, event: ControlEvent): void;
  /** Listening (re)started, or the node was thought dead: catch up on messages and accounts from the database. */
  resync(): void;
  /** The safety poll: a wake-up may have been lost. */
  poll(): void;
  /** Nodes silent too long (or stopped): their users are offline. */
  nodesGone(nodes: string[]): void;
  /** The others had declared this node dead: tell them again who is here. */
  rejoin(): void;
}
