import { lacks } from "../../test/needs.ts";
import { startPgServer, type PgServer } from "../../test/pg-server.ts";
import { postgresStore } from "./postgres.ts";
import { runStoreSuite } from "./store.suite.ts";

let server: PgServer | null = null;

runStoreSuite(
  "postgres",
  async () => {
    // Not skipped means installed, or REQUIRE_POSTGRES=1, where a missing server throws here.
    server = await startPgServer();
    if (!server) throw new Error("PostgreSQL did not start");
    return postgresStore(server.url);
  },
  async () => server?.stop(),
  lacks("postgres"),
);
