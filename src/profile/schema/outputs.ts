import { z } from 'zod';
import { strictObject } from './common.js';

const path = z.string().min(1);

export const outputsSchema = strictObject({
  json: path.optional().describe('Result as JSON; "-" for stdout.'),
  junit: path.optional(),
  markdown: path.optional(),
  trace: path.optional().describe('One JSON line per request.'),
});
export type Outputs = z.output<typeof outputsSchema>;
