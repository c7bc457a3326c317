import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The HTTP client is a leaf (ARCHITECTURE.md, layers): it knows nothing of users, sessions or classes, and its
 * own modules import one another without a cycle.
 */
const dir = new URL('../../src/http/', import.meta.url);
const modules = readdirSync(dir).filter((name) => name.endsWith('.ts'));
const importsOf = (name: string): string[] =>
  [...readFileSync(new URL(name, dir), 'utf8').matchAll(/^import[^;]*?from '([^']+)'/gms)].map(
    (m) => m[1] as string,
  );

describe('src/http is a layer of its own', () => {
  it('imports only itself, util, errors, Node and undici', () => {
    for (const name of modules) {
      for (const target of importsOf(name)) {
        expect(
          target.startsWith('./') ||
            target.startsWith('../util/') ||
            target === '../errors.js' ||
            target.startsWith('node:') ||
            target === 'undici',
          `${name} imports ${target}`,
        ).toBe(true);
      }
    }
  });

  it('has no import cycle', () => {
    const edges = new Map(
      modules.map((name) => [
        name,
        importsOf(name)
          .filter((t) => t.startsWith('./'))
          .map((t) => t.slice(2).replace(/\.js$/, '.ts')),
      ]),
    );
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle: ${[...path, name].join(' -> ')}`).toBe(false);
      visiting.add(name);
      for (const next of edges.get(name) ?? []) visit(next, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of modules) visit(name, []);
  });
});
