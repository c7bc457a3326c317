import { writeFileSync } from 'node:fs';
import { profileSchemaFile, renderProfileJsonSchema } from '../src/profile/json-schema.js';

writeFileSync(profileSchemaFile, renderProfileJsonSchema());
process.stdout.write(`wrote ${profileSchemaFile}\n`);
