import { embeddedTestStore } from "../../test/template.ts";
import { runStoreSuite } from "./store.suite.ts";

// On a copy of the migrated test template, not embeddedStore(null): an in-memory store runs initdb
// at every open (~7 s). Creating a database from nothing is what building the template does.
runStoreSuite("embedded", embeddedTestStore);
