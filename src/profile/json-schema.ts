import { z } from 'zod';
import { profileSchema } from './schema/index.js';

export const profileSchemaFile = 'schema/profile.schema.json';

/** The JSON Schema shipped in the package, generated from the same zod schema that validates profiles. */
function profileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'session-chaos profile',
  };
}

export function renderProfileJsonSchema(): string {
  return `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
}
