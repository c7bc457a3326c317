import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestSummary } from '../../src/metrics/summary.js';
import { bundleBackend } from '../lab/helpers.js';
import { type Measured, measure, variant } from './helpers.js';

/**
 * Seed claim on microservices: "a login at service A must also be known to B and C; sessions kept inside one
 * service are not". profiles/services.yaml on the real lab: two services behind an HAProxy gateway that routes
 * /a/* and /b/* to two backends each; every user logs in at service a, the mix sends a-me and b-me alike, and
 * the summary counts each mix entry apart. Four ways of keeping the session, the same traffic otherwise.
 */
const bearer = {
  auth: { mode: 'bearer', login: { token: { from: 'json', path: 'token' } } },
};

function entries(measured: Measured): { a: RequestSummary; b: RequestSummary } {
  const a = measured.summary.byRequest?.['a-me'];
  const b = measured.summary.byRequest?.['b-me'];
  if (a === undefined || b === undefined) throw new Error('expected a-me and b-me in summary.byRequest');
  return { a, b };
}

/** Every request that got an answer a session rule could judge (ok, mismatch, wrong_user), and many of them. */
function judgedAll(tally: RequestSummary): void {
  expect(tally.mismatchRate.of).toBeGreaterThan(100);
  expect(tally.classes.error).toBe(0);
  expect(tally.mismatchRate.of).toBe(tally.total);
}

describe('claim: a login at one service must be known to the others (services behind a gateway)', () => {
  const runs: Record<'memory' | 'redis' | 'jwtShared' | 'jwtPerService', Measured> = {} as never;
  beforeAll(async () => {
    bundleBackend();
    runs.memory = await measure(variant('services.yaml'), 'process');
    runs.redis = await measure(variant('services.yaml', { lab: { sessions: 'redis' } }), 'process');
    runs.jwtShared = await measure(
      variant('services.yaml', { ...bearer, lab: { sessions: 'jwt' } }),
      'process',
    );
    runs.jwtPerService = await measure(
      variant('services.yaml', {
        ...bearer,
        lab: { sessions: 'jwt', sessionScope: 'per-service' },
      }),
      'process',
    );
    for (const [name, run] of Object.entries(runs)) {
      const { a, b } = entries(run);
      console.log(
        `services ${name}: a-me ${a.mismatchRate.mismatches}/${a.mismatchRate.of} mismatches, ` +
          `b-me ${b.mismatchRate.mismatches}/${b.mismatchRate.of}`,
      );
    }
  });

  it('runs behind one gateway with two backends per service, each service answering its own prefix', () => {
    const lab = runs.memory.outcome.lab;
    expect(lab?.backends).toBe(4);
    const shares = runs.memory.summary.backendShare;
    // Within each service the gateway pins by a cookie of its own; both services' backends answer.
    expect(Object.keys(shares).sort()).toEqual(['a1', 'a2', 'b1', 'b2']);
    for (const name of ['a1', 'a2', 'b1', 'b2']) expect(shares[name]?.count).toBeGreaterThan(0);
  });

  /** Service a knows its own logins; service b knows none of them: every b-me a mismatch. */
  function bKnowsNone(run: Measured): void {
    const { a, b } = entries(run);
    judgedAll(a);
    judgedAll(b);
    expect(a.mismatchRate.mismatches).toBe(0);
    expect(b.mismatchRate.mismatches).toBe(b.mismatchRate.of);
    expect(b.classes.ok).toBe(0);
  }

  /** Both services know every login: no mismatch on either. */
  function bothKnow(run: Measured): void {
    const { a, b } = entries(run);
    judgedAll(a);
    judgedAll(b);
    expect(a.mismatchRate.mismatches).toBe(0);
    expect(b.mismatchRate.mismatches).toBe(0);
    expect(run.result.verdict.status).toBe('passed');
  }

  it('memory sessions per service: every request to the other service is a mismatch, none to the own', () => {
    // Exact: service b never saw a login, and within service a the gateway's cookie keeps each user where
    // its session is.
    bKnowsNone(runs.memory);
    expect(runs.memory.result.verdict.failed).toEqual(['mismatchRate<0.01']);
  });

  it('a store both services share (Redis): no mismatch on either service', () => bothKnow(runs.redis));

  it('JWT with one key for both services: no mismatch on either', () => bothKnow(runs.jwtShared));

  it('JWT with a key per service: every request to the other service is a mismatch (its key did not sign it)', () =>
    bKnowsNone(runs.jwtPerService));
});
