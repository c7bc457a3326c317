import { z } from 'zod';
import { UsageError } from '../errors.js';
import { sessionModes } from '../lab-contract/backend-config.js';
import { balancerKinds } from './balancer/registry.js';

/** The most backends a lab has had, scale outs included (HAProxy declares a server slot for each). */
export const maxBackends = 16;

/** The services a lab can have behind its gateway, reached under `/a/`, `/b/`, `/c/`. */
export const serviceNames = ['a', 'b', 'c'] as const;
export const sessionScopes = ['shared', 'per-service'] as const;
export type SessionScope = (typeof sessionScopes)[number];

/** What a lab is made of; shared by `startLab` and `session-chaos lab up`, so both check the same things. */
const labOptionsSchema = z.strictObject({
  balancer: z.enum(balancerKinds),
  sessions: z.enum(sessionModes),
  backends: z.number().int().min(1).max(maxBackends).default(3),
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
  /**
   * Services behind one gateway that routes by path (`/a/*`, `/b/*`, `/c/*`), each with `backends` backends of
   * its own, balanced within the service as `balancer` says (HAProxy or nginx: the gateway routes by path).
   * 1: one application, no gateway.
   */
  services: z.number().int().min(1).max(serviceNames.length).default(1),
  /**
   * With services: whether they share what a session is checked against, or each has its own: jwt one key
   * for all or a key per service; replicated peers across all services or within each. Memory sessions are
   * per service by nature (in each backend), Redis sessions shared (the lab has one store). Default: shared,
   * per-service for memory.
   */
  sessionScope: z.enum(sessionScopes).optional(),
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
export type ResolvedLabOptions = Omit<z.output<typeof labOptionsSchema>, 'sessionScope'> & {
  sessionScope: SessionScope;
};

/**
 * What is wrong with a services lab's options, by field: services need a gateway that routes by path, and a
 * session scope their store can give.
 */
function servicesProblems(options: z.output<typeof labOptionsSchema>): string[] {
  const { services, sessionScope, sessions, balancer } = options;
  if (services === 1) {
    return sessionScope === undefined ? [] : ['sessionScope: only with services 2 or more'];
  }
  const problems: string[] = [];
  if (balancer.startsWith('builtin')) {
    problems.push(`balancer: ${balancer} routes no paths; services need HAProxy or nginx as their gateway`);
  }
  if (sessions === 'memory' && sessionScope === 'shared') {
    problems.push('sessionScope: memory sessions live in each backend, so per service only');
  }
  if (sessions === 'redis' && sessionScope === 'per-service') {
    problems.push('sessionScope: the lab has one Redis, which every service shares');
  }
  return problems;
}

export function resolveLabOptions(options: LabOptions): ResolvedLabOptions {
  const parsed = labOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new UsageError(`invalid lab options:\n  ${problems.join('\n  ')}`);
  }
  const problems = servicesProblems(parsed.data);
  if (parsed.data.jwtDivergentSecret && parsed.data.sessions !== 'jwt') {
    problems.push('jwtDivergentSecret: only with sessions "jwt"');
  }
  if (problems.length > 0) throw new UsageError(`invalid lab options:\n  ${problems.join('\n  ')}`);
  const { sessionScope, ...rest } = parsed.data;
  return { ...rest, sessionScope: sessionScope ?? (rest.sessions === 'memory' ? 'per-service' : 'shared') };
}
