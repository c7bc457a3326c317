import type { ClassifyRules } from '../profile/schema/classify.js';
import type { Extractor } from '../profile/schema/common.js';

/** The parts of a response the classification rules read; the engine keeps only these in a record. */
export interface ResponseNeeds {
  headers: readonly string[];
  cookies: readonly string[];
  body: boolean;
}

/** Derived from the rules: backend and identity extractors, and the logged-out body pattern. */
export function responseNeeds(rules: ClassifyRules): ResponseNeeds {
  const headers = new Set<string>(['location']);
  const cookies = new Set<string>();
  let body = rules.loggedOut.bodyPattern !== undefined;
  const read = (extractor: Extractor | undefined): void => {
    if (extractor === undefined) return;
    if (extractor.from === 'header') headers.add(extractor.name.toLowerCase());
    else if (extractor.from === 'cookie') cookies.add(extractor.name);
    else body = true;
  };
  read(rules.backend);
  read(rules.identity);
  return { headers: [...headers], cookies: [...cookies], body };
}
