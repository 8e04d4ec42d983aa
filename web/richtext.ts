// Message text as DOM nodes: links (http, https, mailto) made clickable and search words marked.
// Everything is built from text nodes and elements; no HTML is ever parsed.

import { el } from "./dom.ts";

/** A link candidate: a scheme we open, then anything up to whitespace or a character URLs do not end with. */
const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the URL ("see https://x.org."). */
const TRAILING = /[.,;:!?'"»)\]}]+$/;

/** The URL with the sentence's trailing punctuation left out; a ")" stays when the URL opened one. */
function trimLink(raw: string): string {
  let url = raw.replace(TRAILING, "");
  const rest = raw.slice(url.length);
  // "https://en.wikipedia.org/wiki/Chat_(software))": keep the ")" that closes a "(" in the URL.
  let i = 0;
  while (i < rest.length && rest[i] === ")" && (url.split("(").length > url.split(")").length)) url += rest[i++];
  return url;
}

function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" || u.protocol === "mailto:" ? u.href : null;
  } catch {
    return null;
  }
}

/** A word as search folds it: lower case, without accents (server/core/search.ts foldWord). */
export function foldWord(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** `text` with the words whose folded form is in `terms` wrapped in <mark>. */
function marked(text: string, terms: ReadonlySet<string>): (Node | string)[] {
  if (!terms.size) return [text];
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) {
    if (!terms.has(foldWord(m[0]))) continue;
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(el("mark", {}, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * The nodes of a message's text: plain text, links that open in a new tab, marked search words.
 * `links` false leaves links as text (inside something clickable already, such as a search result).
 */
export function richText(text: string, terms: ReadonlySet<string> = new Set(), links = true): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of links ? text.matchAll(LINK) : []) {
    const url = trimLink(m[0]);
    const href = safeHref(url);
    if (!href) continue;
    if (m.index > last) out.push(...marked(text.slice(last, m.index), terms));
    out.push(el("a", { href, target: "_blank", rel: "noopener noreferrer", class: "msg__link" }, url));
    last = m.index + url.length;
  }
  if (last < text.length) out.push(...marked(text.slice(last), terms));
  return out;
}
