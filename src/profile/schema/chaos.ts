import { z } from 'zod';
import { duration, positiveInt, strictObject } from './common.js';

const selectorSchema = strictObject({
  name: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
  label: z.string().min(1).optional().describe('key or key=value'),
}).refine((selector) => Object.values(selector).some((value) => value !== undefined), {
  error: 'expected at least one of name, id, label',
});

const pickPattern = /^(one|all|rolling|random \d+)$/;

const eventSchema = strictObject({
  name: z.string().min(1).optional(),
  action: z.enum(['restart', 'stop', 'start', 'kill', 'pause', 'unpause', 'exec']),
  at: duration.optional().describe('When, from the start of the traffic phase.'),
  every: duration.optional().describe('Repeat at this interval.'),
  jitter: duration.optional().describe('With every: a random shift of up to this much, seeded.'),
  times: positiveInt.optional().describe('With every: how many times at most.'),
  target: selectorSchema.optional(),
  pick: z.string().regex(pickPattern, { error: 'expected one, all, rolling or "random N"' }).default('one'),
  for: duration.optional().describe('stop or pause: undo (start or unpause) after this long.'),
  signal: z.string().min(1).optional().describe('kill: the signal, default SIGKILL.'),
  timeout: duration.optional().describe('restart or stop: seconds Docker waits before it kills.'),
  waitFor: z
    .enum(['running', 'healthy'])
    .default('running')
    .describe('rolling: what to wait for between targets.'),
  waitTimeout: duration.prefault('60s'),
  command: z.array(z.string()).min(1).optional().describe('exec: the command and its arguments.'),
}).superRefine((event, ctx) => {
  if (event.at === undefined && event.every === undefined) {
    ctx.addIssue({ code: 'custom', path: ['at'], message: 'expected at or every' });
  }
  if (event.action === 'exec' && event.command === undefined) {
    ctx.addIssue({ code: 'custom', path: ['command'], message: 'required when action is exec' });
  }
  if (event.action !== 'exec' && event.target === undefined) {
    ctx.addIssue({ code: 'custom', path: ['target'], message: `required when action is ${event.action}` });
  }
});

export const chaosSchema = strictObject({
  docker: strictObject({
    host: z.string().min(1).optional().describe('Overrides DOCKER_HOST.'),
  }).prefault({}),
  maxTargets: positiveInt.optional().describe('Preflight fails when a selector matches more containers.'),
  events: z.array(eventSchema).default([]),
});
export type Chaos = z.output<typeof chaosSchema>;
export type ChaosEvent = Chaos['events'][number];
