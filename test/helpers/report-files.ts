import { join } from 'node:path';

type Format = 'json' | 'junit' | 'markdown' | 'html';

/** The JSON result, the JUnit and the Markdown report a test's run writes in `dir`. */
export function reportFiles(dir: string): { json: string; junit: string; markdown: string } {
  return { json: join(dir, 'r.json'), junit: join(dir, 'r.xml'), markdown: join(dir, 'r.md') };
}

/** The `run` flags that write each report to its file: `--json <path>` and so on. */
export function outputFlags(files: Partial<Record<Format, string>>): string[] {
  return Object.entries(files).flatMap(([format, path]) => [`--${format}`, path]);
}
