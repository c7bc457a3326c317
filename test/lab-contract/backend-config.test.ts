import { describe, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import { backendEnv, parseBackendEnv } from '../../src/lab-contract/backend-config.js';

const minimal = {
  LAB_BACKEND_NAME: 'b1',
  LAB_PORT: '9001',
  LAB_SESSIONS: 'memory',
  LAB_LOG: '/tmp/b1.jsonl',
};

describe('parseBackendEnv', () => {
  it('fills defaults', () => {
    expect(parseBackendEnv(minimal)).toEqual({
      name: 'b1',
      host: '127.0.0.1',
      port: 9001,
      sessions: 'memory',
      users: 100,
      password: 'chaos',
      logPath: '/tmp/b1.jsonl',
      cookieName: 'sid',
      sessionTtlSeconds: 86_400,
      loggedOut: 401,
      peers: [],
      replicationLagMs: 200,
      redisUrl: undefined,
      redisSentinel: undefined,
      jwtSecret: undefined,
      wrongUserRate: 0,
      seed: 1,
    });
  });

  it('round-trips through backendEnv', () => {
    const config = parseBackendEnv({
      ...minimal,
      LAB_SESSIONS: 'replicated',
      LAB_PEERS: 'http://127.0.0.1:9002, http://127.0.0.1:9003',
      LAB_LOGGED_OUT: '302',
      LAB_WRONG_USER_RATE: '0.25',
    });
    expect(config.peers).toEqual(['http://127.0.0.1:9002', 'http://127.0.0.1:9003']);
    expect(parseBackendEnv(backendEnv(config))).toEqual(config);
  });

  it('names every bad variable', () => {
    const bad = { ...minimal, LAB_PORT: '0', LAB_SESSIONS: 'jwt', LAB_WRONG_USER_RATE: '2' };
    expect(() => parseBackendEnv(bad)).toThrow(LabError);
    expect(() => parseBackendEnv(bad)).toThrow(
      /LAB_PORT[\s\S]*LAB_WRONG_USER_RATE[\s\S]*LAB_JWT_SECRET: required/,
    );
  });

  it('requires a Redis URL in redis mode', () => {
    expect(() => parseBackendEnv({ ...minimal, LAB_SESSIONS: 'redis' })).toThrow(/LAB_REDIS_URL: required/);
  });

  it('requires the Sentinel in redis-sentinel mode, and round-trips it', () => {
    expect(() => parseBackendEnv({ ...minimal, LAB_SESSIONS: 'redis-sentinel' })).toThrow(
      /LAB_REDIS_SENTINEL_PORT: required/,
    );
    const config = parseBackendEnv({
      ...minimal,
      LAB_SESSIONS: 'redis-sentinel',
      LAB_REDIS_SENTINEL_PORT: '26379',
    });
    expect(config.redisSentinel).toEqual({ port: 26379, name: 'sessions' });
    expect(parseBackendEnv(backendEnv(config))).toEqual(config);
  });
});
