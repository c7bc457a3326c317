import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileSchemaFile, renderProfileJsonSchema } from '../../src/profile/json-schema.js';

describe('the shipped profile JSON Schema', () => {
  it('is generated from the current zod schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync(profileSchemaFile, 'utf8')).toBe(renderProfileJsonSchema());
  });

  it('refuses unknown fields, as the validator does', () => {
    const schema = JSON.parse(renderProfileJsonSchema()) as {
      additionalProperties: boolean;
      required: string[];
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['target', 'auth']);
  });
});
