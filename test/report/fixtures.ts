import { deriveFindings } from '../../src/findings/rules.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { Summary } from '../../src/metrics/summary.js';
import { resolvePlan } from '../../src/profile/load.js';
import {
  buildResult,
  type ChaosJournalEntry,
  type EarlyEnd,
  type EngineFacts,
  type RunResult,
} from '../../src/report/result.js';
import { resolveThresholds } from '../../src/thresholds/resolve.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

/**
 * A scripted run, summarized by the real metrics: 20 VUs for 10 s, 12 pinned to app1 and 8 to app2, one request
 * per VU every 100 ms. app2 restarts at 4 s: its VUs get refused connections for 500 ms, land on app1 without
 * their session (a mismatch), log in again there and stay. A few 404s. Every number is deterministic.
 */
export function fixedSummary(): Summary {
  const users = 20;
  const aggregator = new MetricsAggregator({ vus: users });
  for (let vu = 1; vu <= users; vu++) {
    aggregator.login(loginRecord({ vu, user: `user${vu}`, backend: vu <= 12 ? 'app1' : 'app2' }));
  }
  // Over when the restarted backend was back (the journal's backAt below).
  aggregator.trackEvent('chaos-1', 4000, 5000).over(4900);
  const moved = new Set<number>();
  for (let step = 0; step < 100; step++) {
    for (let vu = 1; vu <= users; vu++) {
      const start = step * 100 + vu;
      const latency = 2 + ((step * 7 + vu * 3) % 11) + (step % 50 === 0 ? 40 : 0);
      const record = { vu, user: `user${vu}`, requestId: `r-${step}-${vu}`, intendedStart: start, start };
      const pinned = vu <= 12 || moved.has(vu) ? 'app1' : 'app2';
      if (pinned === 'app2' && start >= 4000 && start < 4500) {
        aggregator.response(
          responseRecord({
            ...record,
            end: start + 1,
            status: undefined,
            errorCode: 'ECONNREFUSED',
            headers: {},
          }),
          {
            class: 'error',
            reason: 'refused',
            backend: 'unknown',
          },
        );
      } else if (pinned === 'app2' && start >= 4500) {
        aggregator.response(responseRecord({ ...record, end: start + latency, status: 401 }), {
          class: 'mismatch',
          backend: 'app1',
        });
        moved.add(vu);
        aggregator.login(
          loginRecord({
            vu,
            user: `user${vu}`,
            start: start + latency,
            end: start + latency + 3,
            cause: 'mismatch',
            backend: 'app1',
          }),
        );
      } else if (step % 40 === 39 && vu === 3) {
        aggregator.response(responseRecord({ ...record, end: start + latency, status: 404 }), {
          class: 'unexpected',
          backend: pinned,
        });
      } else {
        aggregator.response(responseRecord({ ...record, end: start + latency }), {
          class: 'ok',
          backend: pinned,
        });
      }
    }
  }
  return summarize(aggregator.aggregates());
}

/** Canary secrets: a test fails if any of them shows up in an output. */
export const canaries = {
  password: 'CANARY-password-7f3a',
  token: 'CANARY-token-91bc',
  cookie: 'CANARY-cookie-55de',
};

const fixedJournal: ChaosJournalEntry[] = [
  {
    id: 'chaos-1',
    kind: 'action',
    action: 'restart',
    target: 'lab-app2',
    at: 4000,
    doneAt: 4420,
    backAt: 4900,
    outcome: 'done',
  },
  { id: 'docker-1', kind: 'docker_event', action: 'die', target: 'lab-app2', at: 4010 },
  { id: 'docker-2', kind: 'docker_event', action: 'start', target: 'lab-app2', at: 4400 },
  {
    id: 'chaos-2',
    kind: 'action',
    action: 'exec',
    target: 'notify-deploy',
    at: 8000,
    doneAt: 8050,
    outcome: 'failed',
    message: `hook said: bad token ${canaries.password}`,
  },
];

export const fixedProfileText = `
name: two backends, one restart
target:
  url: http://127.0.0.1:8080
  headers:
    authorization: Bearer ${canaries.token}
    cookie: session=${canaries.cookie}
auth:
  credentials:
    password: \${LAB_PASSWORD}
traffic:
  users: 20
  duration: 10s
thresholds:
  - mismatchRate<1%
  - expression: latency.p99<500ms
    abortOnFail: true
  - relogins.total<=100
`;

export const fixedPlan = () =>
  resolvePlan('profiles/fixed.yaml', fixedProfileText, { env: { LAB_PASSWORD: canaries.password } });

/** The engine's side of the fixed run: everyone logged in, two re-logins failed, background pressure on. */
export const fixedEngine: EngineFacts = {
  users: 20,
  loggedIn: 20,
  failedRelogins: 2,
  lateArrivals: 0,
  background: {
    path: '/healthz',
    targetRate: 50,
    sent: 501,
    responses: 500,
    errors: 1,
    non2xx: 0,
    durationMs: 10_000,
    throughput: 50,
  },
};

export function fixedResult(
  options: { summary?: Summary; engine?: EngineFacts; earlyEnd?: EarlyEnd; failOn?: string[] } = {},
): RunResult {
  const plan = fixedPlan();
  const summary = options.summary ?? fixedSummary();
  return buildResult({
    plan,
    summary,
    engine: options.engine ?? fixedEngine,
    thresholds: resolveThresholds(plan.profile.thresholds, { failOn: options.failOn ?? ['loadSkew<1.5'] }),
    journal: fixedJournal,
    findings: deriveFindings({
      summary,
      listedBackends: [],
      sourceAddressesSpread: false,
      chaosActions: fixedJournal.filter((entry) => entry.kind === 'action'),
    }),
    startedAt: new Date('2026-01-02T03:04:05.000Z'),
    endedAt: new Date('2026-01-02T03:04:17.500Z'),
    ...(options.earlyEnd === undefined ? {} : { earlyEnd: options.earlyEnd }),
  });
}

/** The fixed result with the versions of this machine replaced, so snapshots hold on any Node. */
export function snapshotResult(options: Parameters<typeof fixedResult>[0] = {}): RunResult {
  const result = fixedResult(options);
  return { ...result, node: 'v20.0.0', tool: { ...result.tool, version: '0.0.0' } };
}
