/** Counters for /metrics and admin status; plain numbers the core bumps on its hot path. */
export class Stats {
  messagesStored = 0;
  deliveries = 0;
  storeBatches = 0;
  storeSeconds = 0;
  storeErrors = 0;
}
