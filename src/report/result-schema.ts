import { z } from 'zod';
import { findingSeverities } from '../findings/types.js';
import { operators } from '../profile/threshold-expression.js';
import type { RunResult } from './result.js';
import { resultSchemaVersion, timeOrigins, toolName } from './result.js';
import { summarySchema } from './summary-schema.js';

export const resultSchemaFile = 'schema/result.schema.json';

/** Journal times count from the start of the traffic phase, the origin of the profile's `at`. */
const trafficClockMs = z.number();

const journalEntrySchema = z.object({
  id: z.string(),
  kind: z.string(),
  at: trafficClockMs,
  action: z.string().optional(),
  target: z.string().optional(),
  driver: z.string().optional(),
  doneAt: trafficClockMs.optional(),
  markerAt: trafficClockMs.optional(),
  backAt: trafficClockMs.optional(),
  outcome: z.string().optional(),
  message: z.string().optional(),
});

const count = z.number().int().min(0);

const engineSchema = z.object({
  users: count,
  loggedIn: count.optional(),
  failedRelogins: count.optional(),
  lateArrivals: count.optional(),
  background: z
    .object({
      path: z.string(),
      targetRate: z.number().min(0),
      sent: count,
      responses: count,
      errors: count,
      non2xx: count,
      durationMs: z.number().min(0),
      throughput: z.number().min(0),
    })
    .optional(),
});

const extractorSchema = z.union([
  z.object({ from: z.literal('header'), name: z.string(), pattern: z.string().optional() }),
  z.object({ from: z.literal('cookie'), name: z.string(), pattern: z.string().optional() }),
  z.object({ from: z.literal('json'), path: z.string() }),
  z.object({ from: z.literal('regex'), pattern: z.string() }),
]);

const controlsSchema = z.object({
  negativeLogin: z.enum(['passed', 'off']),
  loginSuccess: z
    .object({
      rule: z.object({
        redirectTo: z.string().optional(),
        bodyPattern: z.string().optional(),
        cookie: z.string().optional(),
      }),
      learned: z.boolean(),
    })
    .optional(),
  loggedOut: z.object({
    rule: z.object({
      status: z.array(z.number().int()),
      redirectTo: z.string().optional(),
      bodyPattern: z.string().optional(),
    }),
    learned: z.boolean(),
  }),
  backend: z.object({ rule: extractorSchema, learned: z.boolean(), measurable: z.boolean() }),
  requests: z.array(
    z.object({
      request: z.string(),
      public: z.boolean(),
      loggedOut: z
        .object({ status: z.number().int().optional(), location: z.string().optional() })
        .optional(),
      loggedIn: z.object({ status: z.number().int().optional(), tries: count }).optional(),
    }),
  ),
  lines: z.array(z.string()),
});

const thresholdSchema = z.object({
  expression: z.string(),
  metric: z.string(),
  op: z.enum(operators),
  value: z.number(),
  abortOnFail: z.boolean(),
  origin: z.enum(['profile', 'flag', 'default']),
  actual: z.number().nullable(),
  passed: z.boolean(),
});

/** The result file, as zod: the source of `schema/result.schema.json` and the check applied when reading one. */
export const runResultSchema = z
  .object({
    schemaVersion: z.literal(resultSchemaVersion),
    tool: z.object({ name: z.literal(toolName), version: z.string() }),
    node: z.string(),
    source: z.string(),
    profile: z.record(z.string(), z.unknown()),
    startedAt: z.iso.datetime(),
    endedAt: z.iso.datetime(),
    durationMs: z.number(),
    summary: summarySchema,
    engine: engineSchema.optional(),
    controls: controlsSchema.optional(),
    chaos: z.array(journalEntrySchema),
    timeOrigin: z
      .enum(timeOrigins)
      .optional()
      .describe(
        "What the document's times count from: traffic_start (the traffic phase's start, the origin of the profile's chaos at and of --dry-run) or run_start (a run that never reached it). The trace and trafficStartMs count from the run's start.",
      ),
    trafficStartMs: z.number().min(0).optional(),
    findings: z.array(
      z.object({
        rule: z.string(),
        severity: z.enum(findingSeverities),
        text: z.string(),
        evidence: z.record(z.string(), z.number()),
        advice: z.array(z.string()).optional(),
      }),
    ),
    thresholds: z.array(thresholdSchema),
    verdict: z.object({
      status: z.enum(['passed', 'thresholds_failed', 'aborted', 'interrupted']),
      exitCode: z.union([z.literal(0), z.literal(1), z.literal(4), z.literal(130)]),
      failed: z.array(z.string()),
      message: z.string().optional(),
    }),
  })
  .describe('A session-chaos run result (session-chaos run --json).');

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const resultSchemaMatchesType: Same<z.output<typeof runResultSchema>, RunResult> = true;
void resultSchemaMatchesType;

function resultJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(runResultSchema, { io: 'output' }), title: 'session-chaos result' };
}

export function renderResultJsonSchema(): string {
  return `${JSON.stringify(resultJsonSchema(), null, 2)}\n`;
}
