import { command } from "../registry.ts";

// Finding what was said: every client asks the same way and gets the same data.

export const search = command({
  name: "search",
  aliases: ["find"],
  spanish: ["buscar"],
  args: [{ name: "query", type: "text", label: "words" }] as const,
  async run({ user, search, send }, { query }) {
    send(await search.find(user, query));
  },
});
