// The layering that tsc and biome do not see (ARCHITECTURE.md): which src/ folders may import which. Run by
// `npm run lint`; prints every import that breaks a rule and exits 1.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `only`: the one set of places a folder's files may import from (besides themselves and npm packages). */
const rules = [
  {
    folder: 'src/lab-contract/',
    only: ['src/errors.ts', 'src/util/'],
    why: 'what the orchestrator and the lab programs agree on sits below all three',
  },
  {
    folder: 'src/lab-backend/',
    only: ['src/lab-contract/', 'src/errors.ts', 'src/util/', 'src/traffic/request-ids.ts'],
    why: 'the backend is a program of its own, bundled into the image',
  },
  {
    folder: 'src/lab-builtin-balancer/',
    only: ['src/lab-contract/', 'src/errors.ts', 'src/util/'],
    why: 'the built-in balancer is a program of its own',
  },
  {
    folder: 'src/lab-relay/',
    only: ['src/lab-contract/'],
    why: 'the replication-link relay is a program of its own',
  },
];

/** `private`: a folder whose files nothing outside it imports (tests may). */
const privateFolders = [
  { folder: 'src/lab-backend/', why: 'a program: share through src/lab-contract/' },
  { folder: 'src/lab-builtin-balancer/', why: 'a program: share through src/lab-contract/' },
  { folder: 'src/lab-relay/', why: 'a program: share through src/lab-contract/' },
];

/** `never`: imports that point up the layers. */
const upward = [
  {
    folder: 'src/profile/',
    never: ['src/report/', 'src/run/', 'src/cli/', 'src/matrix/', 'src/demo/'],
    why: 'the profile is read by the layers above it',
  },
];

function* sourceFiles(dir) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory()) yield* sourceFiles(`${path}/`);
    else if (/\.(ts|mjs)$/.test(entry.name)) yield path;
  }
}

const importPattern = /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*'(\.[^']+)'|import\('(\.[^']+)'\)/g;
const problems = [];
for (const file of sourceFiles('src/')) {
  const text = readFileSync(join(root, file), 'utf8');
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1] ?? match[2] ?? '';
    const target = relative(root, normalize(join(root, dirname(file), specifier)))
      .replaceAll('\\', '/')
      .replace(/\.js$/, '.ts');
    const inside = (folder) => target.startsWith(folder) || target === folder.replace(/\/$/, '.ts');
    for (const rule of rules) {
      if (file.startsWith(rule.folder) && !inside(rule.folder) && !rule.only.some(inside)) {
        problems.push(`${file} imports ${target}: ${rule.why}`);
      }
    }
    for (const rule of upward) {
      if (file.startsWith(rule.folder) && rule.never.some(inside)) {
        problems.push(`${file} imports ${target}: ${rule.why}`);
      }
    }
    for (const rule of privateFolders) {
      if (!file.startsWith(rule.folder) && inside(rule.folder)) {
        problems.push(`${file} imports ${target}: ${rule.folder} is ${rule.why}`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`check-imports: ${problems.length} import(s) across the layers:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
