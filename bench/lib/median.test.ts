import { expect, test } from "bun:test";
import { mergeNotes } from "./median.ts";

test("notes that differ only in their figure become one with the range; others stay, each once", () => {
  expect(mergeNotes(["PostgreSQL used 0.10 cores", "PostgreSQL used 0.09 cores", "PostgreSQL used 0.14 cores", "fsync=on", "fsync=on"]))
    .toEqual(["PostgreSQL used 0.09-0.14 cores", "fsync=on"]);
  // Two figures in a note: no single range to give, so each stays.
  expect(mergeNotes(["1 of 2", "3 of 4"])).toEqual(["1 of 2", "3 of 4"]);
});
