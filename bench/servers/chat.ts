import { main } from "../../main.ts";

// Our server as the benchmark runs it: the real entry point, plus a full GC on SIGUSR2 so that
// idle-connection memory is read after a forced collection, as the benchmark asks.
process.on("SIGUSR2", () => Bun.gc(true));
process.exit(await main(process.argv.slice(2)));
