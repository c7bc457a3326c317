import { z } from 'zod';
import { type OutputField, reportFileOutputs } from '../report-files.js';
import { strictObject } from './common.js';

const path = z.string().min(1);

// One optional path per report format that writes a file.
const reportFiles = Object.fromEntries(
  reportFileOutputs.map((output) => [output.field, path.optional().describe(`${output.description}.`)]),
) as Record<OutputField, z.ZodOptional<z.ZodString>>;

export const outputsSchema = strictObject({
  ...reportFiles,
  trace: path.optional().describe('One JSON line per request.'),
});
export type Outputs = z.output<typeof outputsSchema>;
