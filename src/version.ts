import { readFileSync } from 'node:fs';

// Read at run time: package.json sits outside the compiled tree, at the same depth from src/ and dist/.
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const toolVersion: string = manifest.version;
