import { z } from 'zod';
import { strictObject } from './common.js';

const expression = z.string().regex(/^\s*[A-Za-z][\w.]*\s*(<=|>=|==|!=|<|>)\s*\S+\s*$/, {
  error: 'expected "metric<op>value", such as mismatchRate<0.01 or latency.p99<500ms',
});

export const thresholdsSchema = z
  .array(
    z.union([
      expression,
      strictObject({
        expression,
        abortOnFail: z.boolean().default(false).describe('Stop the run as soon as this fails.'),
      }),
    ]),
  )
  .default([]);
export type Thresholds = z.output<typeof thresholdsSchema>;
