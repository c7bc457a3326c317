import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AssetMissingError } from '../../errors.js';

// This module sits three levels below the package root both as source (src/report/html) and built (dist/...).
const pageDir = fileURLToPath(new URL('../../../dist/report-page/', import.meta.url));
const pageScriptPath = `${pageDir}page.js`;
const pageStylePath = `${pageDir}page.css`;

export interface PageAssets {
  script: string;
  style: string;
}

let cached: PageAssets | undefined;

/** The page's script (with the charting library) and styles, bundled at build time (scripts/page-bundle.mjs). */
export function pageAssets(): PageAssets {
  if (cached !== undefined) return cached;
  try {
    cached = { script: readFileSync(pageScriptPath, 'utf8'), style: readFileSync(pageStylePath, 'utf8') };
  } catch (error) {
    throw new AssetMissingError("the HTML report's script", pageScriptPath, { cause: error });
  }
  return cached;
}
