import { writeFileSync } from 'node:fs';
import { profileSchemaFile, renderProfileJsonSchema } from '../src/profile/json-schema.js';
import { renderResultJsonSchema, resultSchemaFile } from '../src/report/result-schema.js';

for (const [file, text] of [
  [profileSchemaFile, renderProfileJsonSchema()],
  [resultSchemaFile, renderResultJsonSchema()],
] as const) {
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
