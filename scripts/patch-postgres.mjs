// Run by `npm install` (postinstall): mends postgres.js 3.4.x, whose nextWrite() writes to the
// socket of a connection that has closed (porsager/postgres#1208, #1066, open upstream). The
// TypeError it throws escapes every query, so a chat server died when its database dropped a
// connection; a query on it hung. The guard fails that connection's queries with
// CONNECTION_CLOSED instead, as a close found anywhere else in the driver does. Node, not Bun:
// it runs before anything else is ready. server/store/postgres-closed.test.ts checks it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "postgres");
// Two places: a write scheduled before the close runs after it, and a query sent on the closed
// connection (closed() cancels the scheduled write but leaves its timer set, so nothing is sent
// and the query waits forever).
const MENDS = [
  ["    if (fn || chunk.length >= 1024)\n      return nextWrite(fn)", "    if (fn || !socket || chunk.length >= 1024) // chat: a closed connection fails at once\n      return nextWrite(fn)"],
  ["  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)", `  function nextWrite(fn) {
    if (!socket) { // chat: scripts/patch-postgres.mjs
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`],
];

for (const file of ["src/connection.js", "cjs/src/connection.js"].map((f) => join(root, f))) {
  if (!existsSync(file)) continue;
  let text = readFileSync(file, "utf8");
  for (const [unguarded, guarded] of MENDS) {
    if (text.includes(guarded)) continue;
    if (!text.includes(unguarded)) {
      // Another version of the driver: it may guard this itself. Say so rather than fail the install.
      console.warn(`chat: ${file} is not postgres.js 3.4.9's; a closed-connection guard was not added`);
      continue;
    }
    text = text.replace(unguarded, guarded);
  }
  writeFileSync(file, text);
}
