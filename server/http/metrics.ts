import type { Counters } from "../core/operator.ts";

/** The core's counters in Prometheus text format. */
export function metricsText({ node, connections, usersOnline, stats: s, uptimeSeconds, store, cluster }: Counters): string {
  const lines = [
    "# HELP chat_node_info This node's name (node.name), to tell the nodes of a cluster apart.",
    "# TYPE chat_node_info gauge",
    `chat_node_info{node="${node.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"} 1`,
    "# HELP chat_connections Open connections by transport.",
    "# TYPE chat_connections gauge",
    ...Object.entries(connections).map(([t, n]) => `chat_connections{transport="${t}"} ${n}`),
    "# HELP chat_users_online Accounts with at least one session.",
    "# TYPE chat_users_online gauge",
    `chat_users_online ${usersOnline}`,
    "# HELP chat_messages_total Messages stored since the server started.",
    "# TYPE chat_messages_total counter",
    `chat_messages_total ${s.messagesStored}`,
    "# HELP chat_deliveries_total Messages handed to sessions since the server started.",
    "# TYPE chat_deliveries_total counter",
    `chat_deliveries_total ${s.deliveries}`,
    "# HELP chat_store_insert_seconds Time spent storing message batches.",
    "# TYPE chat_store_insert_seconds summary",
    `chat_store_insert_seconds_sum ${s.storeSeconds.toFixed(6)}`,
    `chat_store_insert_seconds_count ${s.storeBatches}`,
    "# HELP chat_store_errors_total Message batches the store refused.",
    "# TYPE chat_store_errors_total counter",
    `chat_store_errors_total ${s.storeErrors}`,
    "# HELP chat_store_up Whether the store answers (1) or not (0).",
    "# TYPE chat_store_up gauge",
    `chat_store_up{store="${store.kind}"} ${store.healthy ? 1 : 0}`,
    "# HELP chat_store_state_since_seconds When the store last went down or came back (Unix time).",
    "# TYPE chat_store_state_since_seconds gauge",
    `chat_store_state_since_seconds ${Math.floor(Date.parse(store.since) / 1000)}`,
    "# HELP chat_uptime_seconds Seconds since the server started.",
    "# TYPE chat_uptime_seconds gauge",
    `chat_uptime_seconds ${uptimeSeconds}`,
  ];
  if (cluster) {
    lines.push(
      "# HELP chat_cluster_nodes Live nodes sharing the database, as of this node's last heartbeat.",
      "# TYPE chat_cluster_nodes gauge",
      `chat_cluster_nodes ${cluster.nodes}`,
      "# HELP chat_cluster_users_online Accounts online on any live node, each once, as of this node's last heartbeat.",
      "# TYPE chat_cluster_users_online gauge",
      `chat_cluster_users_online ${cluster.usersOnline}`,
      "# HELP chat_cluster_connections Open connections on every live node, by transport, as of their last heartbeats.",
      "# TYPE chat_cluster_connections gauge",
      ...Object.entries(cluster.connections).map(([t, n]) => `chat_cluster_connections{transport="${t}"} ${n}`),
    );
  }
  return lines.join("\n") + "\n";
}
