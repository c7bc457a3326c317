import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { resultSchemaFile } from '../../src/report/result-schema.js';

/** A validator of the result JSON Schema as shipped (the file, not the schema in memory), strict, every error. */
export function resultValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(resultSchemaFile, 'utf8')) as object);
}
