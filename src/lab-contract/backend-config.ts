import { z } from 'zod';
import { LabError } from '../errors.js';

export const sessionModes = ['memory', 'replicated', 'redis', 'redis-sentinel', 'jwt'] as const;
export type SessionMode = (typeof sessionModes)[number];

/**
 * Everything one lab backend needs. The orchestrator encodes it as `LAB_*` environment variables (`backendEnv`)
 * and the backend program decodes them (`parseBackendEnv`): both directions live here, so they cannot drift.
 */
export interface BackendConfig {
  name: string;
  host: string;
  port: number;
  sessions: SessionMode;
  users: number;
  password: string;
  logPath: string;
  cookieName: string;
  /** Cookie Max-Age, server-side session expiry and JWT `exp`, all the same so the client can tell expiry. */
  sessionTtlSeconds: number;
  loggedOut: 401 | 302;
  peers: string[];
  replicationLagMs: number;
  redisUrl: string | undefined;
  /** redis-sentinel: the Sentinel that says where the primary is, and the name it knows the primary by. */
  redisSentinel: { port: number; name: string } | undefined;
  jwtSecret: string | undefined;
  wrongUserRate: number;
  seed: number;
}

const list = z
  .string()
  .default('')
  .transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

const envSchema = z
  .object({
    LAB_BACKEND_NAME: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    LAB_HOST: z.string().default('127.0.0.1'),
    LAB_PORT: z.coerce.number().int().min(1).max(65535),
    LAB_SESSIONS: z.enum(sessionModes),
    LAB_USERS: z.coerce.number().int().min(1).default(100),
    LAB_PASSWORD: z.string().min(1).default('chaos'),
    LAB_LOG: z.string().min(1),
    LAB_COOKIE_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'letters, digits, _ only')
      .default('sid'),
    LAB_SESSION_TTL_S: z.coerce.number().int().min(1).default(86_400),
    LAB_LOGGED_OUT: z.enum(['401', '302']).default('401'),
    LAB_PEERS: list,
    LAB_REPLICATION_LAG_MS: z.coerce.number().int().min(0).default(200),
    LAB_REDIS_URL: z.string().optional(),
    LAB_REDIS_SENTINEL_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    LAB_REDIS_SENTINEL_NAME: z.string().min(1).default('sessions'),
    LAB_JWT_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    LAB_WRONG_USER_RATE: z.coerce.number().min(0).max(1).default(0),
    LAB_SEED: z.coerce.number().int().default(1),
  })
  .superRefine((env, ctx) => {
    if (env.LAB_SESSIONS === 'redis' && env.LAB_REDIS_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['LAB_REDIS_URL'], message: 'required for redis sessions' });
    }
    if (env.LAB_SESSIONS === 'redis-sentinel' && env.LAB_REDIS_SENTINEL_PORT === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['LAB_REDIS_SENTINEL_PORT'],
        message: 'required for redis-sentinel sessions',
      });
    }
    if (env.LAB_SESSIONS === 'jwt' && env.LAB_JWT_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['LAB_JWT_SECRET'], message: 'required for jwt sessions' });
    }
  });

export function parseBackendEnv(env: NodeJS.ProcessEnv): BackendConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new LabError(`lab backend configuration is invalid:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    name: e.LAB_BACKEND_NAME,
    host: e.LAB_HOST,
    port: e.LAB_PORT,
    sessions: e.LAB_SESSIONS,
    users: e.LAB_USERS,
    password: e.LAB_PASSWORD,
    logPath: e.LAB_LOG,
    cookieName: e.LAB_COOKIE_NAME,
    sessionTtlSeconds: e.LAB_SESSION_TTL_S,
    loggedOut: e.LAB_LOGGED_OUT === '302' ? 302 : 401,
    peers: e.LAB_PEERS,
    replicationLagMs: e.LAB_REPLICATION_LAG_MS,
    redisUrl: e.LAB_REDIS_URL,
    redisSentinel:
      e.LAB_REDIS_SENTINEL_PORT === undefined
        ? undefined
        : { port: e.LAB_REDIS_SENTINEL_PORT, name: e.LAB_REDIS_SENTINEL_NAME },
    jwtSecret: e.LAB_JWT_SECRET,
    wrongUserRate: e.LAB_WRONG_USER_RATE,
    seed: e.LAB_SEED,
  };
}

/** The inverse of `parseBackendEnv`: what the lab sets in a backend's environment. */
export function backendEnv(config: BackendConfig): Record<string, string> {
  const env: Record<string, string> = {
    LAB_BACKEND_NAME: config.name,
    LAB_HOST: config.host,
    LAB_PORT: String(config.port),
    LAB_SESSIONS: config.sessions,
    LAB_USERS: String(config.users),
    LAB_PASSWORD: config.password,
    LAB_LOG: config.logPath,
    LAB_COOKIE_NAME: config.cookieName,
    LAB_SESSION_TTL_S: String(config.sessionTtlSeconds),
    LAB_LOGGED_OUT: String(config.loggedOut),
    LAB_PEERS: config.peers.join(','),
    LAB_REPLICATION_LAG_MS: String(config.replicationLagMs),
    LAB_WRONG_USER_RATE: String(config.wrongUserRate),
    LAB_SEED: String(config.seed),
  };
  if (config.redisUrl !== undefined) env.LAB_REDIS_URL = config.redisUrl;
  if (config.redisSentinel !== undefined) {
    env.LAB_REDIS_SENTINEL_PORT = String(config.redisSentinel.port);
    env.LAB_REDIS_SENTINEL_NAME = config.redisSentinel.name;
  }
  if (config.jwtSecret !== undefined) env.LAB_JWT_SECRET = config.jwtSecret;
  return env;
}
