// Builds the single executable dist/chat: server, SQL, PGlite's wasm and data all inside.
const outfile = process.argv[2] ?? "dist/chat";
const proc = Bun.spawnSync(
  [process.execPath, "build", "--compile", "--minify", "main.ts", "--outfile", outfile],
  { stdout: "inherit", stderr: "inherit", cwd: `${import.meta.dir}/..` },
);
process.exit(proc.exitCode ?? 1);
