import { beforeAll, describe, expect, it } from 'vitest';
import type { ResponseRecord } from '../../src/classify/record.js';
import type { Classification } from '../../src/classify/types.js';
import type { GroundTruthLine, Lab, LabOptions } from '../../src/lab/index.js';
import type { Summary } from '../../src/metrics/summary.js';
import { executeRun } from '../../src/run/run.js';
import { CollectingSink, planFor } from '../helpers/engine-fixtures.js';
import { classFromTruth } from '../helpers/ground-truth.js';
import { sharedLab } from '../lab/helpers.js';

/**
 * Ground truth: every classified response is joined by request id with the log line of the backend that
 * answered it, and the class must be what the backend knew, for 100% of requests. Then the magnitudes the
 * design predicts for each setup, with tolerances explained where they are asserted.
 *
 * Backends run as processes (the lab's `process` runtime): the balancers and session stores are the real
 * ones, and the tests stay fast on two cores; chaos tests are where containers matter.
 */

interface Observed {
  record: ResponseRecord;
  classification: Classification;
}

interface Measured {
  summary: Summary;
  observed: Observed[];
  truth: GroundTruthLine[];
}

const users = 30;
const requestsPerUser = 60;

type Input = NonNullable<Parameters<typeof planFor>[1]>;

function inputFor(lab: Lab, overrides: Input = {}): Input {
  return {
    auth: { login: { format: 'json' }, credentials: { password: lab.password } },
    traffic: {
      users,
      requests: users * requestsPerUser,
      duration: '60s',
      mix: [{ path: '/me' }],
    },
    classify: { identity: { from: 'json', path: 'user' } },
    relogin: 'never',
    ...overrides,
  };
}

/** A real run (the CLI's pipeline) on the lab; its records kept for the join, its summary as the CLI has it. */
async function measure(lab: Lab, input: Input): Promise<Measured> {
  const sink = new CollectingSink();
  const plan = planFor(lab.url, input);
  plan.secrets = [lab.password];
  const result = await executeRun(plan, { sinks: [sink] });
  return { summary: result.summary, observed: sink.responses, truth: await lab.readGroundTruth() };
}

/** Responses whose class or backend differs from what the backend's log says, described for the failure. */
function disagreements({ observed, truth }: Measured): string[] {
  const byId = new Map(truth.map((line) => [line.requestId, line]));
  return observed.flatMap(({ record, classification }) => {
    const line = byId.get(record.requestId);
    const expected = classFromTruth(line, record);
    const backend = line?.backend ?? 'unknown';
    if (expected === classification.class && backend === classification.backend) return [];
    return [
      `${record.requestId} (${record.user}, status ${record.status}): classified ${classification.class} on ` +
        `${classification.backend}, backend log says ${expected} on ${backend}`,
    ];
  });
}

/** A lab for the tests of a describe block, its backends as processes. */
const processLab = (options: LabOptions) => sharedLab({ runtime: 'process', ...options });

/**
 * One run on a lab for the tests of a describe block, measured before them, and the test every setup must
 * pass: each request answered, and classified as the backend that answered it knew it.
 */
function measuredRun(options: LabOptions, input: (lab: Lab) => Input = (lab) => inputFor(lab)) {
  const lab = processLab(options);
  let run: Measured | undefined;
  beforeAll(async () => {
    run = await measure(lab(), input(lab()));
  });
  const measured = (): Measured => {
    if (run === undefined) throw new Error('the run on the lab did not finish');
    return run;
  };
  it('classifies every response as the backends knew it', () => {
    expect(measured().observed).toHaveLength(users * requestsPerUser);
    expect(disagreements(measured())).toEqual([]);
  });
  return { lab, measured };
}

describe('lab: HAProxy round robin over 3 memory backends, relogin never', () => {
  const { lab, measured } = measuredRun({ balancer: 'haproxy-roundrobin', sessions: 'memory' });

  it('gives a mismatch rate near 2/3 and affinity near 1/3', () => {
    const { summary } = measured();
    // Each request lands on the VU's login backend one time in three. Round robin is deterministic but
    // the VUs' requests interleave, so a VU's share of its login backend wanders around 1/3: ±0.05.
    expect(summary.mismatchRate.value).toBeGreaterThan(2 / 3 - 0.05);
    expect(summary.mismatchRate.value).toBeLessThan(2 / 3 + 0.05);
    // Affinity is the share of a VU's MOST used backend: 1/3 for a strict rotation, up to about 0.40 for 60
    // requests spread at random over 3 backends (the expected maximum of a multinomial). Hence 0.31..0.45.
    expect(summary.affinity).toBeGreaterThan(0.31);
    expect(summary.affinity).toBeLessThan(0.45);
    expect(summary.loadSkew).toBeLessThan(1.1);
    expect(summary.wrongUser).toBe(0);
    expect(summary.relogins.total).toBe(0);
  });

  it('agrees as well with "not logged in" read from the body and the user by a regex', async () => {
    const input = inputFor(lab(), {
      classify: {
        loggedOut: { status: [], bodyPattern: 'not logged in' },
        identity: { from: 'regex', pattern: '"user":"(\\w+)"' },
        backend: { from: 'header', name: 'X-Backend-Id', pattern: '^(b\\d+)$' },
      },
    });
    const bodyRules = await measure(lab(), input);
    expect(disagreements(bodyRules)).toEqual([]);
    expect(bodyRules.summary.counts.classes.mismatch).toBeGreaterThan(0);
  });
});

describe('lab: round robin over memory backends that redirect to /login when logged out', () => {
  const lab = processLab({ balancer: 'haproxy-roundrobin', sessions: 'memory', loggedOut: 302 });

  it('classifies every redirect to the login page as the backends knew it', async () => {
    const input = inputFor(lab(), { classify: { identity: { from: 'header', name: 'X-User' } } });
    const measured = await measure(lab(), input);
    expect(disagreements(measured)).toEqual([]);
    expect(measured.summary.mismatchRate.value).toBeGreaterThan(2 / 3 - 0.05);
    expect(measured.summary.mismatchRate.value).toBeLessThan(2 / 3 + 0.05);
  });
});

describe('lab: cookie insert over memory, sessions that live 1 s, relogin', () => {
  const lab = processLab({ balancer: 'haproxy-cookie', sessions: 'memory', sessionTtlSeconds: 1 });

  it('classifies each end of a session as expired, never as a mismatch, and re-logs in for it', async () => {
    const input = inputFor(lab(), { relogin: 'relogin' });
    const measured = await measure(lab(), {
      ...input,
      traffic: { ...input.traffic, requests: undefined, duration: '3500ms', thinkTime: '20ms' },
    });
    expect(disagreements(measured)).toEqual([]);
    const { classes } = measured.summary.counts;
    const { relogins } = measured.summary;
    // Sticky sessions lose nothing but their lifetime: 3.5 s of 1 s sessions ends each VU's session 3 times
    // (a 4th when logins and re-logins drift late enough). The VU's expiry is counted from its login's
    // start, so a server that expired the session a few ms before the VU expected is still an expiry.
    expect(classes.mismatch).toBe(0);
    expect(classes.expired).toBeGreaterThanOrEqual(users * 2);
    expect(relogins.byCause).toEqual({ mismatch: 0, expired: classes.expired });
    expect(relogins.usersAffected).toBe(users);
    expect(relogins.perVuMax).toBeLessThanOrEqual(4);
  });
});

describe('lab: HAProxy cookie insert over 3 memory backends', () => {
  // The backend is read from HAProxy's SERVERID pin cookie here, to check the cookie rule on the real thing.
  const { measured } = measuredRun({ balancer: 'haproxy-cookie', sessions: 'memory' }, (lab) =>
    inputFor(lab, {
      classify: {
        identity: { from: 'json', path: 'user' },
        backend: { from: 'cookie', name: 'SERVERID' },
      },
      relogin: 'relogin',
    }),
  );

  it('gives no mismatch and full affinity', () => {
    const { summary } = measured();
    expect(summary.counts.classes.ok).toBe(users * requestsPerUser);
    expect(summary.mismatchRate.value).toBe(0);
    // 0 of n: the Wilson interval is [0, z^2 / (n + z^2)], about 3/n (the "rule of three").
    const n = users * requestsPerUser;
    expect(summary.mismatchRate.low).toBe(0);
    expect(summary.mismatchRate.high).toBeCloseTo(1.959964 ** 2 / (n + 1.959964 ** 2), 6);
    expect(summary.affinity).toBe(1);
    expect(summary.switchRate).toBe(0);
    expect(summary.relogins.total).toBe(0);
  });
});

describe('lab: HAProxy round robin over 3 backends sharing Redis', () => {
  const { measured } = measuredRun({ balancer: 'haproxy-roundrobin', sessions: 'redis' });

  it('gives no mismatch and an even load', () => {
    const { summary } = measured();
    expect(summary.mismatchRate.value).toBe(0);
    // Round robin over 1,800 requests: the backends' counts differ by a handful at most.
    expect(summary.loadSkew).toBeGreaterThanOrEqual(1);
    expect(summary.loadSkew).toBeLessThan(1.05);
  });
});

describe('lab: JWT, one backend of 3 with a divergent secret, round robin, relogin never', () => {
  const { measured } = measuredRun(
    { balancer: 'haproxy-roundrobin', sessions: 'jwt', jwtDivergentSecret: true },
    (lab) =>
      inputFor(lab, {
        auth: {
          mode: 'bearer',
          login: { format: 'json', token: { from: 'json', path: 'token' } },
          credentials: { password: lab.password },
        },
      }),
  );

  it('gives a mismatch rate near 4/9', () => {
    // A VU that logged in on a shared-secret backend is refused by the odd one (1/3 of its requests); one
    // that logged in on the odd backend is refused by the other two (2/3). Round-robin logins put a third
    // of the VUs on each backend: 2/3 * 1/3 + 1/3 * 2/3 = 4/9. The interleaving of requests moves each
    // VU's share a little, as in the memory case: ±0.05.
    const { summary } = measured();
    expect(summary.mismatchRate.value).toBeGreaterThan(4 / 9 - 0.05);
    expect(summary.mismatchRate.value).toBeLessThan(4 / 9 + 0.05);
  });
});

describe('lab: the wrong-user fault', () => {
  const { measured } = measuredRun({
    balancer: 'haproxy-roundrobin',
    sessions: 'redis',
    wrongUserRate: 0.05,
  });

  it('catches every injected wrong answer and invents none', () => {
    const { truth, observed, summary } = measured();
    const injected = new Set(truth.filter((line) => line.faultInjected).map((line) => line.requestId));
    const caught = new Set(
      observed
        .filter(({ classification }) => classification.class === 'wrong_user')
        .map(({ record }) => record.requestId),
    );
    expect(injected.size).toBeGreaterThan(0);
    expect(caught).toEqual(injected);
    expect(summary.wrongUser).toBe(injected.size);
  });
});
