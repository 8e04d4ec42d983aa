import { startPgServer, type PgServer } from "../../test/pg-server.ts";
import { postgresStore } from "./postgres.ts";
import { runStoreSuite } from "./store.suite.ts";

let server: PgServer | null = null;

runStoreSuite(
  "postgres",
  async () => {
    server = await startPgServer();
    return server && postgresStore(server.url);
  },
  async () => server?.stop(),
);
