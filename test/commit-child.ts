// Stores messages one batch at a time on an embedded store and writes "ack N" to stdout after each
// is acknowledged, so a trace of its system calls shows whether the commit reached the disk first.
// Run by server/store/durability.test.ts under strace: bun test/commit-child.ts DATA_DIR COUNT.
import { writeSync } from "node:fs";
import { embeddedStore } from "../server/store/pglite.ts";

const [dataDir, count] = [process.argv[2]!, Number(process.argv[3])];
const store = await embeddedStore(dataDir);
const room = await store.ensureRoom("#lobby", null);
const user = await store.createUser("ana", "x");
for (let i = 1; i <= count; i++) {
  await store.insertMessages([{ kind: "public", senderId: user.id, from: "ana", roomId: room.id, room: "#lobby", text: `m${i}` }]);
  writeSync(1, `ack ${i}\n`);
}
await store.close();
