import { z } from 'zod';
import { balancerKinds } from '../../lab/balancer/registry.js';
import { serviceNames, sessionScopes } from '../../lab/options.js';
import { sessionModes } from '../../lab-contract/backend-config.js';
import { duration, strictObject } from './common.js';

/**
 * The reference lab a profile is written for. `session-chaos matrix` and `demo` start this lab, point
 * target.url at its balancer and aim the chaos events at its backends; `run` and `--target` ignore it, so the
 * same profile is a template for a real deployment.
 */
export const labSchema = strictObject({
  balancer: z.enum(balancerKinds).describe('The balancer in front of the backends.'),
  sessions: z.enum(sessionModes).describe('Where the backends keep sessions.'),
  backends: z.number().int().min(1).max(16).default(3).describe('How many backends the lab starts.'),
  replicationLag: duration
    .optional()
    .describe(
      'sessions replicated: how long a new session takes to reach the other backends; redis-sentinel: the delay of the link from the primary to its replica.',
    ),
  sessionTtl: duration
    .optional()
    .describe('Cookie Max-Age, server-side lifetime and JWT exp (whole seconds).'),
  loggedOut: z
    .union([z.literal(401), z.literal(302)])
    .optional()
    .describe('What a backend answers without a session: 401, or 302 to /login.'),
  services: z
    .number()
    .int()
    .min(2)
    .max(serviceNames.length)
    .optional()
    .describe(
      'Services behind one gateway that routes by path (/a/*, /b/*, /c/*), each with `backends` backends of its own, ' +
        'balanced within the service as `balancer` says (HAProxy or nginx).',
    ),
  sessionScope: z
    .enum(sessionScopes)
    .optional()
    .describe(
      'services: one JWT key (or replication group) for all services, or one per service. Memory sessions are per ' +
        'service, Redis shared.',
    ),
  jwtDivergentSecret: z
    .boolean()
    .optional()
    .describe('sessions jwt: the last backend signs with a secret of its own (a botched key rotation).'),
}).superRefine((lab, ctx) => {
  if (lab.replicationLag !== undefined && !['replicated', 'redis-sentinel'].includes(lab.sessions)) {
    ctx.addIssue({
      code: 'custom',
      path: ['replicationLag'],
      message: 'only used when sessions is replicated or redis-sentinel',
    });
  }
  if (lab.sessionScope !== undefined && lab.services === undefined) {
    ctx.addIssue({ code: 'custom', path: ['sessionScope'], message: 'only used with services' });
  }
  if (lab.jwtDivergentSecret !== undefined && lab.sessions !== 'jwt') {
    ctx.addIssue({ code: 'custom', path: ['jwtDivergentSecret'], message: 'only used when sessions is jwt' });
  }
});
export type LabHint = z.output<typeof labSchema>;
