import { readFileSync, writeFileSync } from 'node:fs';
import { newOutcome } from '../src/cli/outcome.js';
import { buildProgram } from '../src/cli/program.js';
import { labReadmeBlocks, readmeBlocks, updateReadme } from './readme-docs.js';

const program = buildProgram(newOutcome());
const docs = { 'README.md': readmeBlocks(program), 'lab/README.md': labReadmeBlocks(program) };
for (const [path, blocks] of Object.entries(docs)) {
  writeFileSync(path, updateReadme(readFileSync(path, 'utf8'), blocks));
  process.stdout.write(`wrote the generated tables of ${path}\n`);
}
