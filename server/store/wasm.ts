// PGlite's WebAssembly and file-system bundle, embedded by `bun build --compile` (imported as
// files, so the binary needs no node_modules), and the compiled modules. Kept apart from pglite.ts,
// which evaluates PGlite itself, so that main.ts can begin compiling before anything heavy loads.
import pgliteWasm from "../../node_modules/@electric-sql/pglite/dist/pglite.wasm" with { type: "file" };
import initdbWasm from "../../node_modules/@electric-sql/pglite/dist/initdb.wasm" with { type: "file" };
import fsBundle from "../../node_modules/@electric-sql/pglite/dist/pglite.data" with { type: "file" };

export { fsBundle, initdbWasm, pgliteWasm };

// A compiled module is immutable and can be instantiated any number of times, so one process
// compiles each once: a second store (a test's, or a restart in place) skips ~0.5 s of compiling.
// initdb's is compiled only when a database has to be made (PGlite needs it for nothing else).
const modules = new Map<string, Promise<WebAssembly.Module>>();

export function compiled(file: string): Promise<WebAssembly.Module> {
  let module = modules.get(file);
  if (!module) {
    module = Bun.file(file).arrayBuffer().then((bytes) => {
      const compiling = WebAssembly.compile(bytes);
      // compile() has copied the bytes: detaching frees our 9 MB copy now rather than at some
      // later collection, which a start may not reach before `started` (16 MiB of RSS, measured).
      bytes.transfer(0);
      return compiling;
    });
    // A failed compile is tried again by the next store rather than remembered.
    module.catch(() => modules.delete(file));
    modules.set(file, module);
  }
  return module;
}

/**
 * Begins compiling PostgreSQL's WebAssembly (~0.35 s on threads of JavaScriptCore's own) at the
 * very start of `chat serve`, so that loading the rest of chat, the config and the secrets
 * overlap it. `forget` drops it again when the config turns out to name a PostgreSQL server.
 */
export const compileEarly = {
  start: () => void compiled(pgliteWasm).catch(() => {}),
  forget: () => modules.delete(pgliteWasm),
};
