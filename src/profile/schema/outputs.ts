import { z } from 'zod';
import { fileFormats, type OutputField } from '../../report/formats.js';
import { strictObject } from './common.js';

const path = z.string().min(1);

// One optional path per report format that writes a file: the fields come from the format registry.
const reportFiles = Object.fromEntries(
  fileFormats.map((format) => [
    format.output.field,
    path.optional().describe(`${format.output.description}.`),
  ]),
) as Record<OutputField, z.ZodOptional<z.ZodString>>;

export const outputsSchema = strictObject({
  ...reportFiles,
  trace: path.optional().describe('One JSON line per request.'),
});
export type Outputs = z.output<typeof outputsSchema>;
