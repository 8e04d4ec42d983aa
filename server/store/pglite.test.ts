import { embeddedStore } from "./pglite.ts";
import { runStoreSuite } from "./store.suite.ts";

runStoreSuite("embedded", () => embeddedStore(null));
