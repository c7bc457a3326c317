import { readFileSync } from 'node:fs';

/** A captured text under test/fixtures/ (command output, a /proc table, a log), as the parser would read it. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
}
