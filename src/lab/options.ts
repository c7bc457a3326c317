import { z } from 'zod';
import { UsageError } from '../errors.js';
import { sessionModes } from '../lab-contract/backend-config.js';
import { balancerKinds } from './balancer/kinds.js';

/** What a lab is made of; shared by `startLab` and `session-chaos lab up`, so both check the same things. */
const labOptionsSchema = z.strictObject({
  balancer: z.enum(balancerKinds),
  sessions: z.enum(sessionModes),
  backends: z.number().int().min(1).max(16).default(3),
  runtime: z.enum(['docker', 'process']).default('docker'),
  users: z.number().int().min(1).default(100),
  password: z.string().min(1).default('chaos'),
  /** The session cookie's name; `nginx-cookie-hash` hashes on it. */
  cookieName: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/)
    .default('sid'),
  /** Cookie Max-Age, server-side session lifetime and JWT `exp`. */
  sessionTtlSeconds: z.number().int().min(1).default(86_400),
  loggedOut: z.union([z.literal(401), z.literal(302)]).default(401),
  replicationLagMs: z.number().int().min(0).default(200),
  /** The last backend signs and checks tokens with a secret of its own (a botched key rotation). */
  jwtDivergentSecret: z.boolean().default(false),
  /** Share of `/me` answers given as another user, to prove that wrong_user is caught. */
  wrongUserRate: z.number().min(0).max(1).default(0),
  seed: z.number().int().default(1),
  startTimeoutMs: z.number().int().min(1000).default(30_000),
  /** Leave the lab running when this process exits (`lab up`); `lab down` removes it later. */
  keepAfterExit: z.boolean().default(false),
});

export type LabOptions = z.input<typeof labOptionsSchema>;
export type ResolvedLabOptions = z.output<typeof labOptionsSchema>;

export function resolveLabOptions(options: LabOptions): ResolvedLabOptions {
  const parsed = labOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new UsageError(`invalid lab options:\n  ${problems.join('\n  ')}`);
  }
  if (parsed.data.jwtDivergentSecret && parsed.data.sessions !== 'jwt') {
    throw new UsageError('invalid lab options:\n  jwtDivergentSecret: only with sessions "jwt"');
  }
  return parsed.data;
}
