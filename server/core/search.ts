import { fail } from "./errors.ts";
import type { SearchEvent } from "./events.ts";
import { SEARCH_QUERY_MAX_CHARS, SEARCH_RESULTS_MAX } from "./limits.ts";
import type { Store } from "./store.ts";
import type { User } from "./types.ts";

/**
 * A word as search compares it: lower case, without accents. The store folds text its own way
 * (sql/007); this is for telling clients which words matched, so they can mark them.
 */
export function foldWord(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The query's words, folded: runs of letters and digits, as PostgreSQL's parser splits them. */
export function searchTerms(query: string): string[] {
  return [...new Set((foldWord(query).match(/[\p{L}\p{N}]+/gu) ?? []))];
}

/** Full-text search over what a user may read: their rooms and their own private conversations. */
export class Search {
  constructor(private readonly store: Pick<Store, "searchMessages">) {}

  async find(user: User, query: string): Promise<SearchEvent> {
    const q = query.trim();
    if (q.length > SEARCH_QUERY_MAX_CHARS) throw fail("search_too_long", { max: SEARCH_QUERY_MAX_CHARS });
    const terms = searchTerms(q);
    const messages = terms.length ? await this.store.searchMessages(user.id, q, SEARCH_RESULTS_MAX) : [];
    return { type: "search", query: q, terms, messages };
  }
}
