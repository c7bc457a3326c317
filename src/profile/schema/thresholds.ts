import { z } from 'zod';
import { expressionHint, parseThreshold } from '../threshold-expression.js';
import { strictObject } from './common.js';
import { atMost, limits } from './limits.js';

const expression = z
  .string({ error: expressionHint })
  .describe(
    'metric<op>value, op one of < <= > >= == !=; e.g. mismatchRate<0.01, latency.p99<500ms, errorRate<=2%',
  );

export const thresholdsSchema = z
  .array(
    z
      .union([
        expression,
        strictObject({
          expression,
          abortOnFail: z.boolean().default(false).describe('Stop the run as soon as this fails.'),
        }),
      ])
      // Parsed after the union picked a form, so an unknown metric or a wrong unit keeps its own message and
      // is a profile error (exit 2) before anything runs.
      .superRefine((entry, ctx) => {
        const text = typeof entry === 'string' ? entry : entry.expression;
        const parsed = parseThreshold(text);
        if (!parsed.ok) {
          ctx.addIssue({
            code: 'custom',
            message: parsed.message,
            path: typeof entry === 'string' ? [] : ['expression'],
          });
        }
      }),
  )
  .max(limits.thresholds, { error: atMost(limits.thresholds, ' thresholds') })
  .default([])
  .describe(
    "Checked on the summary; any failure exits 1. The default verdict's thresholds are added (unless " +
      '--no-default-thresholds), each dropped where one of these names its metric.',
  );
