import type { Notice } from "../../core/notices.ts";
import type { Lang } from "../../core/types.ts";
import type { Catalogue } from "./catalogue.ts";
import { en } from "./en.ts";
import { es } from "./es.ts";

export const CATALOGUES: Record<Lang, Catalogue> = { en, es };

export function catalogue(lang: Lang): Catalogue {
  return CATALOGUES[lang] ?? en;
}

/** A notice in words. */
export function say(lang: Lang, notice: Notice): string {
  const texts = catalogue(lang).notices as Record<string, (p: unknown) => string>;
  return texts[notice.key]!(notice.params);
}
