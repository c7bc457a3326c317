import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { LiveRun } from '../../src/report/live.js';
import { manualClock } from '../../src/util/clock.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

describe('LiveRun', () => {
  it("shows the phase in progress with its own clock and the run's counts, read from its aggregator", () => {
    const clock = manualClock(100);
    const metrics = new MetricsAggregator({ vus: 2 });
    const live = new LiveRun({ clock, counts: () => metrics.aggregates(), totalMs: 30_000 });
    expect(live.snapshot()).toMatchObject({ phase: 'preflight', elapsedMs: 0, requests: 0 });
    live.phase('login');
    metrics.login(loginRecord());
    clock.advance(500);
    expect(live.snapshot()).toMatchObject({ phase: 'login', elapsedMs: 500, requests: 1 });
    live.phase('traffic');
    metrics.response(responseRecord(), { class: 'ok', backend: 'b1' });
    clock.advance(2000);
    metrics.response(responseRecord({ status: 401 }), { class: 'mismatch', backend: 'b2' });
    live.chaosIssued('restart lab-app2');
    expect(live.snapshot()).toEqual({
      phase: 'traffic',
      elapsedMs: 2000,
      totalMs: 30_000,
      requests: 2,
      classes: { ok: 1, mismatch: 1, wrong_user: 0, expired: 0, error: 0, unexpected: 0 },
      chaos: 'restart lab-app2',
    });
    clock.advance(10_000);
    expect(live.snapshot().chaos).toBeUndefined();
  });

  it('shows zero counts before the run has its aggregator', () => {
    const live = new LiveRun({ clock: manualClock(), counts: () => undefined });
    expect(live.snapshot()).toMatchObject({ phase: 'preflight', requests: 0, classes: { ok: 0 } });
  });
});
