import { z } from 'zod';
import { reasons, responseClasses } from '../classify/types.js';
import type { Summary } from '../metrics/summary.js';

/**
 * The Summary type of src/metrics as a zod schema, for the result file's JSON Schema and for reading saved
 * results. The type check at the bottom fails the build when the two drift apart.
 */
const count = z.number().int().min(0);
const ratio = z.number().nullable();
const ms = z.number().min(0);
/** A record with exactly these keys, as an object so that the JSON Schema lists each property. */
function exhaustive<const K extends readonly string[], T extends z.ZodType>(keys: K, value: T) {
  return z.object(Object.fromEntries(keys.map((key) => [key, value])) as Record<K[number], T>);
}
const byClass = <T extends z.ZodType>(value: T) => exhaustive(responseClasses, value);

const latencyStats = z.object({ count, p50: ms, p90: ms, p99: ms, max: ms, mean: ms });

const mismatchRate = z.object({ value: ratio, low: ratio, high: ratio, mismatches: count, of: count });

export const summarySchema = z.object({
  counts: z.object({
    total: count,
    classes: byClass(count),
    reasons: exhaustive(reasons, count),
    unexpectedStatus: z.record(z.string(), count),
    statuses: z.record(z.string(), count).optional(),
    outsideChaos: z.object({ total: count, errors: count }).optional(),
    logins: exhaustive(['login_ok', 'login_failed', 'login_error'], count),
    unknownBackend: count,
  }),
  mismatchRate,
  wrongUser: count,
  byRequest: z
    .record(z.string(), z.object({ total: count, classes: byClass(count), mismatchRate }))
    .optional()
    .describe(
      'Classes and mismatch rate per mix entry (its name, else METHOD path): per service behind a gateway.',
    ),
  relogins: z.object({
    total: count,
    byCause: exhaustive(['mismatch', 'expired'], count),
    usersAffected: count,
    perVuMax: count,
    perVuMean: z.number().min(0),
  }),
  backendShare: z.record(z.string(), z.object({ count, share: z.number(), pinnedVus: count })),
  loadSkew: ratio,
  loadCv: ratio,
  affinity: ratio,
  switchRate: ratio,
  pinSkew: ratio,
  latency: latencyStats.extend({ byClass: byClass(latencyStats) }),
  throughput: z.object({ requests: count, durationMs: ms, perSecond: z.number(), okPerSecond: z.number() }),
  vus: z.object({ total: count, withResponses: count }),
  sessionAgeAtLoss: z.object({ count, p10: ms, p50: ms, p90: ms, max: ms }).optional(),
  trafficStartedAt: z.number().optional(),
  timeline: z.array(
    z.object({
      at: z.number(),
      classes: byClass(count),
      backends: z.record(z.string(), count),
      logins: count,
      relogins: count,
      latency: z.object({ p50: ms, p99: ms }).optional(),
    }),
  ),
  pins: z
    .object({
      vus: z.array(count),
      ofVus: count,
      stride: z.number().int().min(1),
      from: z.number(),
      columnMs: z.number().int().min(1),
      backends: z.array(z.string()),
      cells: z.array(z.array(count)),
    })
    .optional()
    .describe('Per-VU, per-second backends (a bounded sample) for the HTML pin map; schemaVersion 3 on.'),
  impact: z.array(
    z.object({
      id: z.string(),
      at: z.number(),
      windowMs: ms,
      mismatches: count,
      errors: count,
      expired: count,
      wrongUser: count,
      relogins: count,
      vusAffected: count,
      vusRecovered: count,
      recovery: z.object({ min: ms.optional(), p50: ms, p90: ms, max: ms, mean: ms }),
    }),
  ),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const summarySchemaMatchesType: Same<z.output<typeof summarySchema>, Summary> = true;
void summarySchemaMatchesType;
