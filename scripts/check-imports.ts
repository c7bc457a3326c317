// The layering that tsc and biome do not see (ARCHITECTURE.md): which folders may import which. Run by
// `npm run lint`; prints every import that breaks a rule, with the rule, and exits 1.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers, top first, as ARCHITECTURE.md draws them. A folder imports from its own row and the rows below,
 * never from a row above. Folders on one row may import each other, but never in a circle: the folder graph
 * as a whole has no cycle. `import type` counts like any import: a type is a dependency on its layer too.
 */
export const layers: readonly (readonly string[])[] = [
  ['bench/', 'scripts/'],
  ['src/cli/'],
  ['src/demo/', 'src/matrix/'],
  ['src/run/'],
  ['src/report/', 'src/thresholds/', 'src/findings/', 'src/controls/'],
  ['src/login/', 'src/traffic/', 'src/chaos/', 'src/metrics/', 'src/classify/'],
  ['src/profile/'],
  ['src/http/', 'src/lab/'],
  ['src/docker/', 'src/lab-contract/'],
  ['src/util/', 'src/errors.ts', 'src/target-actions.ts', 'src/version.ts'],
];

/**
 * The lab's programs: apart from the layers, each imports only from `only` (besides itself and npm packages),
 * and nothing outside a program imports its files (tests may).
 */
interface Program {
  folder: string;
  only: readonly string[];
}

export const programs: readonly Program[] = [
  { folder: 'src/lab-backend/', only: ['src/lab-contract/', 'src/errors.ts', 'src/util/'] },
  { folder: 'src/lab-builtin-balancer/', only: ['src/lab-contract/', 'src/errors.ts', 'src/util/'] },
  { folder: 'src/lab-relay/', only: ['src/lab-contract/'] },
];

const inside = (path: string, place: string): boolean =>
  path.startsWith(place) || path === place.replace(/\/$/, '.ts');

/** The place (a row's folder or file, or a program's folder) a path belongs to; undefined for any other. */
interface Place {
  place: string;
  row?: number;
  program?: Program;
}

export interface Import {
  file: string;
  target: string;
}

function placeOf(path: string): Place | undefined {
  for (const [row, places] of layers.entries()) {
    const place = places.find((candidate) => inside(path, candidate));
    if (place !== undefined) return { place, row };
  }
  const program = programs.find((candidate) => inside(path, candidate.folder));
  return program === undefined ? undefined : { place: program.folder, program };
}

/** The imports that break the order, one line each: `file imports target: rule`. */
export function layerProblems(imports: readonly Import[]): string[] {
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const { file, target } of imports) {
    const from = placeOf(file);
    const to = placeOf(target);
    if (from === undefined) {
      problems.push(
        `${file}: its folder is in no layer (add it to ARCHITECTURE.md and scripts/check-imports.ts)`,
      );
      continue;
    }
    if (to === undefined) {
      if (file.startsWith('src/'))
        problems.push(`${file} imports ${target}: src/ imports nothing outside src/`);
      continue;
    }
    if (from.place === to.place) continue;
    if (from.program !== undefined) {
      if (!from.program.only.some((place) => inside(target, place)))
        problems.push(
          `${file} imports ${target}: ${from.place} is a program of the lab; it imports only ${from.program.only.join(', ')}`,
        );
      continue;
    }
    if (to.program !== undefined) {
      problems.push(
        `${file} imports ${target}: ${to.place} is a program of the lab; share through src/lab-contract/`,
      );
      continue;
    }
    if ((to.row ?? 0) < (from.row ?? 0)) {
      problems.push(
        `${file} imports ${target}: ${from.place} is below ${to.place}; a layer imports only downward`,
      );
      continue;
    }
    const key = `${from.place}\n${to.place}`;
    edges.set(key, [...(edges.get(key) ?? []), `${file} imports ${target}`]);
  }
  for (const cycle of folderCycles([...edges.keys()].map((key) => key.split('\n') as [string, string]))) {
    for (const [from, to] of cycle.edges) {
      for (const line of edges.get(`${from}\n${to}`) ?? [])
        problems.push(`${line}: folders import each other in a circle (${cycle.folders.join(', ')})`);
    }
  }
  return problems;
}

/** The strongly connected groups of more than one folder (Tarjan), with the edges inside each. */
function folderCycles(
  edgeList: readonly [string, string][],
): { folders: string[]; edges: [string, string][] }[] {
  const next = new Map<string, string[]>();
  for (const [from, to] of edgeList) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (stack.includes(to)) low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member !== undefined) group.push(member);
      } while (member !== node && member !== undefined);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return groups.map((folders) => ({
    folders,
    edges: edgeList.filter(([from, to]) => folders.includes(from) && folders.includes(to)),
  }));
}

function* sourceFiles(root: string, dir: string): Generator<string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) yield* sourceFiles(root, `${path}/`);
    else if (/\.(ts|mjs)$/.test(entry.name)) yield path;
  }
}

const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*'(\.[^']+)'|import\('(\.[^']+)'\)/g;

/** Every relative import of the files under `dirs`, as repository paths (`.js` read as the `.ts` it is). */
export function importsOf(root: string, dirs: readonly string[]): Import[] {
  const imports: Import[] = [];
  for (const dir of dirs) {
    for (const file of sourceFiles(root, dir)) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(importPattern)) {
        const specifier = match[1] ?? match[2] ?? '';
        const target = relative(root, normalize(join(root, dirname(file), specifier)))
          .replaceAll('\\', '/')
          .replace(/\.js$/, '.ts');
        imports.push({ file, target });
      }
    }
  }
  return imports;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const problems = layerProblems(importsOf(root, ['src/', 'bench/', 'scripts/']));
  if (problems.length > 0) {
    console.error(
      `check-imports: ${problems.length} import(s) across the layers:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
}
