import { readFileSync, writeFileSync } from 'node:fs';
import { newOutcome } from '../src/cli/outcome.js';
import { buildProgram } from '../src/cli/program.js';
import { readmeBlocks, updateReadme } from './readme-docs.js';

const readme = 'README.md';
writeFileSync(readme, updateReadme(readFileSync(readme, 'utf8'), readmeBlocks(buildProgram(newOutcome()))));
process.stdout.write(`wrote the generated tables of ${readme}\n`);
