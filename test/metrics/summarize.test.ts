import { describe, expect, it } from 'vitest';
import type { ResponseRecord } from '../../src/classify/record.js';
import type { Classification, ResponseClass } from '../../src/classify/types.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { wilsonInterval } from '../../src/metrics/wilson.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

/** One already-classified response: its VU, class and backend, record fields and the class's reason. */
type Fed = [
  vu: number,
  responseClass: ResponseClass,
  backend: string,
  overrides?: Partial<ResponseRecord>,
  reason?: Classification['reason'],
];

/** Feeds one already-classified response: the metrics do not look at how the class was decided. */
function feed(
  aggregator: MetricsAggregator,
  ...[vu, responseClass, backend, overrides = {}, reason]: Fed
): void {
  const classification: Classification =
    reason === undefined ? { class: responseClass, backend } : { class: responseClass, backend, reason };
  aggregator.response(responseRecord({ vu, user: `user${vu}`, ...overrides }), classification);
}

/** The summary of a run that got these responses, in this order, and had no logins. */
function summaryOf(...responses: Fed[]) {
  const aggregator = new MetricsAggregator();
  for (const response of responses) feed(aggregator, ...response);
  return summarize(aggregator.aggregates());
}

describe('summarize: a small round-robin-like run', () => {
  // VU 1: b1 ok, b2 mismatch, b3 mismatch, b1 ok.  VU 2: b2 ok three times.
  const summary = summaryOf(
    [1, 'ok', 'b1'],
    [2, 'ok', 'b2'],
    [1, 'mismatch', 'b2'],
    [2, 'ok', 'b2'],
    [1, 'mismatch', 'b3'],
    [2, 'ok', 'b2'],
    [1, 'ok', 'b1'],
  );

  it('counts classes and computes the mismatch rate with its Wilson interval', () => {
    expect(summary.counts.total).toBe(7);
    expect(summary.counts.classes).toEqual({
      ok: 5,
      mismatch: 2,
      wrong_user: 0,
      expired: 0,
      error: 0,
      unexpected: 0,
    });
    const interval = wilsonInterval(2, 7);
    expect(summary.mismatchRate).toEqual({
      value: 2 / 7,
      low: interval?.low,
      high: interval?.high,
      mismatches: 2,
      of: 7,
    });
    expect(summary.wrongUser).toBe(0);
  });

  it('backend shares, load skew and CV', () => {
    expect(summary.backendShare).toEqual({
      b1: { count: 2, share: 2 / 7, pinnedVus: 1 },
      b2: { count: 4, share: 4 / 7, pinnedVus: 1 },
      b3: { count: 1, share: 1 / 7, pinnedVus: 0 },
    });
    // Largest share 4/7 over the mean share 1/3.
    expect(summary.loadSkew).toBeCloseTo(12 / 7, 12);
    // Counts 2, 4, 1: mean 7/3, population variance 14/9.
    expect(summary.loadCv).toBeCloseTo(Math.sqrt(14) / 7, 12);
  });

  it('affinity, switch rate (ratio of sums) and pin skew', () => {
    // VU 1: 2 of 4 on b1; VU 2: 3 of 3 on b2.
    expect(summary.affinity).toBeCloseTo((0.5 + 1) / 2, 12);
    // VU 1: 3 switches in 3 transitions; VU 2: 0 in 2.
    expect(summary.switchRate).toBeCloseTo(3 / 5, 12);
    // Pins: b1 1, b2 1, b3 0; mean 2/3 per backend.
    expect(summary.pinSkew).toBeCloseTo(1.5, 12);
  });

  it('is a plain JSON value', () => {
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
});

describe('summarize: edge cases', () => {
  it('zero requests: counts are 0 and every ratio is null', () => {
    const summary = summarize(new MetricsAggregator().aggregates());
    expect(summary.counts.total).toBe(0);
    expect(summary.mismatchRate).toEqual({ value: null, low: null, high: null, mismatches: 0, of: 0 });
    expect([summary.loadSkew, summary.loadCv, summary.affinity, summary.switchRate, summary.pinSkew]).toEqual(
      [null, null, null, null, null],
    );
    expect(summary.backendShare).toEqual({});
    expect(summary.latency).toMatchObject({ count: 0, p50: 0, p99: 0, max: 0, mean: 0 });
    expect(summary.throughput).toEqual({ requests: 0, durationMs: 0, perSecond: 0, okPerSecond: 0 });
    expect(summary.relogins).toEqual({
      total: 0,
      usersAffected: 0,
      perVuMax: 0,
      perVuMean: 0,
      byCause: { mismatch: 0, expired: 0 },
    });
    expect(summary.timeline).toEqual([]);
    expect(summary.vus).toEqual({ total: 0, withResponses: 0 });
  });

  it('one backend: even load, full affinity, no switches', () => {
    const aggregator = new MetricsAggregator();
    for (const vu of [1, 2, 3]) for (let i = 0; i < 4; i++) feed(aggregator, vu, 'ok', 'only');
    const summary = summarize(aggregator.aggregates());
    expect(summary.backendShare).toEqual({ only: { count: 12, share: 1, pinnedVus: 3 } });
    expect([summary.loadSkew, summary.loadCv, summary.affinity, summary.switchRate, summary.pinSkew]).toEqual(
      [1, 0, 1, 0, 1],
    );
  });

  it('unknown backends are counted apart and left out of stickiness', () => {
    const summary = summaryOf([1, 'ok', 'b1'], [1, 'ok', 'unknown'], [1, 'ok', 'b2'], [2, 'ok', 'unknown']);
    expect(summary.counts.unknownBackend).toBe(2);
    expect(summary.backendShare).toEqual({
      b1: { count: 1, share: 0.5, pinnedVus: 1 },
      b2: { count: 1, share: 0.5, pinnedVus: 0 },
    });
    // VU 1's consecutive known responses are b1 then b2; VU 2 has none, so no affinity of its own.
    expect(summary.switchRate).toBe(1);
    expect(summary.affinity).toBe(0.5);
    expect(summary.loadSkew).toBe(1);
    expect(summary.timeline[0]?.backends).toEqual({ b1: 1, b2: 1, unknown: 2 });
  });

  it('only unknown backends: ratios null, shares empty', () => {
    const summary = summaryOf([1, 'ok', 'unknown']);
    expect(summary.backendShare).toEqual({});
    expect([summary.loadSkew, summary.affinity, summary.switchRate, summary.pinSkew]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(summary.mismatchRate.value).toBe(0);
  });

  it('all errors: reasons counted, no mismatch rate', () => {
    const noResponse = { status: undefined, headers: {} };
    const summary = summaryOf(
      [1, 'error', 'unknown', noResponse, 'refused'],
      [1, 'error', 'unknown', noResponse, 'timeout'],
      [2, 'error', 'b1', { status: 502 }, 'http_5xx'],
    );
    expect(summary.counts.classes.error).toBe(3);
    expect(summary.counts.reasons).toMatchObject({ refused: 1, timeout: 1, http_5xx: 1, reset: 0, other: 0 });
    expect(summary.mismatchRate.value).toBeNull();
    expect(summary.latency.byClass.error.count).toBe(3);
    expect(summary.latency.byClass.ok.count).toBe(0);
  });

  it('unexpected responses keep their status and reason', () => {
    const summary = summaryOf(
      [1, 'unexpected', 'b1', { status: 404 }],
      [1, 'unexpected', 'b1', { status: 404 }],
      [1, 'unexpected', 'b1', { status: 401, hadSession: false }, 'no_session'],
    );
    expect(summary.counts.unexpectedStatus).toEqual({ '401': 1, '404': 2 });
    expect(summary.counts.reasons.no_session).toBe(1);
  });

  it('a VU that never got a response still counts among the VUs', () => {
    const aggregator = new MetricsAggregator({ vus: 4 });
    aggregator.login(loginRecord({ vu: 3 }));
    aggregator.login(loginRecord({ vu: 3, cause: 'mismatch' }));
    feed(aggregator, 1, 'ok', 'b1');
    const summary = summarize(aggregator.aggregates());
    expect(summary.vus).toEqual({ total: 4, withResponses: 1 });
    expect(summary.relogins).toMatchObject({ total: 1, usersAffected: 1, perVuMax: 1, perVuMean: 0.25 });
    expect(summary.affinity).toBe(1);
    expect(summary.backendShare.b1?.pinnedVus).toBe(1);
  });
});

describe('summarize: logins and re-logins', () => {
  it('counts outcomes, re-logins by cause, users affected, per-VU max and mean', () => {
    const aggregator = new MetricsAggregator();
    for (const vu of [1, 2, 3]) aggregator.login(loginRecord({ vu }));
    aggregator.login(loginRecord({ vu: 1, cause: 'mismatch' }));
    aggregator.login(loginRecord({ vu: 1, cause: 'expired', outcome: 'login_error' }));
    aggregator.login(loginRecord({ vu: 2, cause: 'mismatch', outcome: 'login_failed' }));
    const summary = summarize(aggregator.aggregates());
    expect(summary.counts.logins).toEqual({ login_ok: 4, login_failed: 1, login_error: 1 });
    expect(summary.relogins).toEqual({
      total: 3,
      byCause: { mismatch: 2, expired: 1 },
      usersAffected: 2,
      perVuMax: 2,
      perVuMean: 1,
    });
  });
});

describe('summarize: latency, throughput, timeline', () => {
  it('latency runs from the intended start, per class and overall', () => {
    const { latency } = summaryOf(
      // Intended at 0, sent at 100 (a stalled schedule), answered at 110: 110 ms, not 10.
      [1, 'ok', 'b1', { intendedStart: 0, start: 100, end: 110 }],
      [1, 'ok', 'b1', { intendedStart: 200, start: 200, end: 220 }],
      [1, 'mismatch', 'b1', { intendedStart: 300, start: 300, end: 330 }],
    );
    expect(latency.count).toBe(3);
    expect(latency.max).toBeCloseTo(110, 0);
    expect(latency.p50).toBeCloseTo(30, 1);
    expect(latency.mean).toBeCloseTo(160 / 3, 0);
    expect(latency.byClass.ok).toMatchObject({ count: 2 });
    expect(latency.byClass.ok.max).toBeCloseTo(110, 0);
    expect(latency.byClass.mismatch.p99).toBeCloseTo(30, 1);
  });

  it('throughput over the span from the first intended start to the last end', () => {
    const { throughput } = summaryOf(
      [1, 'ok', 'b1', { intendedStart: 1000, start: 1000, end: 1010 }],
      [1, 'mismatch', 'b1', { intendedStart: 2000, start: 2000, end: 2010 }],
      [2, 'ok', 'b1', { intendedStart: 2500, start: 2500, end: 3000 }],
    );
    expect(throughput).toEqual({ requests: 3, durationMs: 2000, perSecond: 1.5, okPerSecond: 1 });
  });

  it('per-second buckets of classes, backends, logins and re-logins, in time order', () => {
    const aggregator = new MetricsAggregator();
    feed(aggregator, 1, 'ok', 'b2', { end: 2100 });
    feed(aggregator, 1, 'ok', 'b1', { end: 500 });
    feed(aggregator, 2, 'mismatch', 'b2', { end: 999 });
    aggregator.login(loginRecord({ vu: 2, cause: 'mismatch', end: 1000 }));
    const { timeline: buckets } = summarize(aggregator.aggregates());
    const timeline = buckets.map(({ latency: _latency, ...bucket }) => bucket);
    const zero = { ok: 0, mismatch: 0, wrong_user: 0, expired: 0, error: 0, unexpected: 0 };
    expect(timeline).toEqual([
      { at: 0, classes: { ...zero, ok: 1, mismatch: 1 }, backends: { b1: 1, b2: 1 }, logins: 0, relogins: 0 },
      { at: 1000, classes: zero, backends: {}, logins: 1, relogins: 1 },
      { at: 2000, classes: { ...zero, ok: 1 }, backends: { b2: 1 }, logins: 0, relogins: 0 },
    ]);
  });
});

describe('summarize: per-second latency and the pin map', () => {
  it('gives each second the p50 and p99 of the responses that ended in it, none for a second without', () => {
    const aggregator = new MetricsAggregator();
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 0, start: 0, end: 10 });
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 100, start: 100, end: 300 });
    aggregator.login(loginRecord({ vu: 1, cause: 'mismatch', end: 1500 }));
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 2000, start: 2000, end: 2050 });
    const { timeline } = summarize(aggregator.aggregates());
    expect(timeline[0]?.latency?.p50).toBeCloseTo(10, 0);
    expect(timeline[0]?.latency?.p99).toBeCloseTo(200, -1);
    expect(timeline[1]?.latency).toBeUndefined();
    expect(timeline[2]?.latency?.p50).toBeCloseTo(50, 0);
  });

  it('keeps a past second as its figures, not a histogram: a long run does not grow by one per second', () => {
    const aggregator = new MetricsAggregator();
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 0, start: 0, end: 10 });
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 100, start: 100, end: 300 });
    // An hour later: second 0 was sealed long ago, and what the timeline says of it is what it said then.
    for (let second = 1; second <= 3600; second++) {
      feed(aggregator, 1, 'ok', 'b1', {
        intendedStart: second * 1000,
        start: second * 1000,
        end: second * 1000 + 5,
      });
    }
    const sealed = aggregator.aggregates().timeline.get(0)?.latency;
    expect(sealed?.stats()).toEqual({ count: 2, p50: expect.closeTo(10, 0), p99: expect.closeTo(200, -1) });
    // An answer that ends in a sealed second is counted there, its latency only in the run's histograms.
    feed(aggregator, 2, 'ok', 'b1', { intendedStart: 0, start: 0, end: 900 });
    const { timeline, latency } = summarize(aggregator.aggregates());
    expect(timeline[0]?.classes.ok).toBe(3);
    expect(timeline[0]?.latency?.p99).toBeCloseTo(200, -1);
    expect(latency.max).toBeCloseTo(900, -1);
    // The last seconds are still open to answers that end in them.
    feed(aggregator, 2, 'ok', 'b1', { intendedStart: 3599_000, start: 3599_000, end: 3599_990 });
    expect(summarize(aggregator.aggregates()).timeline.at(-2)?.latency?.p99).toBeCloseTo(990, -1);
  });

  it('marks per VU and second the backend, mismatches and re-logins', () => {
    const aggregator = new MetricsAggregator({ vus: 2 });
    feed(aggregator, 0, 'ok', 'b1', { end: 100 });
    feed(aggregator, 0, 'mismatch', 'b2', { end: 1100 });
    aggregator.login(loginRecord({ vu: 0, cause: 'mismatch', end: 1200 }));
    feed(aggregator, 0, 'ok', 'b2', { end: 2100 });
    feed(aggregator, 1, 'error', 'unknown', { end: 2500 });
    const { pins } = summarize(aggregator.aggregates());
    expect(pins).toMatchObject({
      vus: [0, 1],
      ofVus: 2,
      stride: 1,
      from: 0,
      columnMs: 1000,
      backends: ['b1', 'b2'],
    });
    expect(pins?.cells).toEqual([
      [1, 2 | 0x100 | 0x200, 2],
      [0, 0, 255 | 0x400],
    ]);
  });

  it('samples every n-th VU beyond 200 rows and merges seconds beyond 600 columns', () => {
    const aggregator = new MetricsAggregator({ vus: 1000 });
    for (let vu = 0; vu < 1000; vu++) feed(aggregator, vu, 'ok', 'b1', { end: 0 });
    feed(aggregator, 0, 'ok', 'b2', { end: 1_199_000 });
    const { pins } = summarize(aggregator.aggregates());
    expect(pins?.stride).toBe(5);
    expect(pins?.vus).toHaveLength(200);
    expect(pins?.vus.slice(0, 3)).toEqual([0, 5, 10]);
    expect(pins?.columnMs).toBe(2000);
    expect(pins?.cells[0]).toHaveLength(600);
    expect(pins?.cells[0]?.[599]).toBe(2);
  });
});

describe('MetricsAggregator: bounded state', () => {
  it('grows for large VU ids and keeps earlier counts', () => {
    const aggregator = new MetricsAggregator();
    feed(aggregator, 3, 'ok', 'b1');
    feed(aggregator, 3, 'ok', 'b2');
    aggregator.login(loginRecord({ vu: 3, cause: 'mismatch' }));
    feed(aggregator, 50_000, 'ok', 'b1');
    // VU 3 again after the tables grew: its last backend (b2) must have survived, so this is no switch.
    feed(aggregator, 3, 'ok', 'b2');
    const summary = summarize(aggregator.aggregates());
    // VU 3: 2 of 3 on b2; VU 50,000: 1 of 1.
    expect(summary.affinity).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(summary.switchRate).toBe(1 / 2);
    expect(summary.vus.withResponses).toBe(2);
    expect(summary.relogins.perVuMax).toBe(1);
  });

  it('keeps no per-request state: 100,000 records from 10 VUs over 10 s leave small tables', () => {
    const aggregator = new MetricsAggregator({ vus: 10 });
    for (let i = 0; i < 100_000; i++) {
      feed(aggregator, i % 10, i % 3 === 0 ? 'mismatch' : 'ok', `b${i % 3}`, { end: i / 10 });
    }
    const aggregates = aggregator.aggregates();
    expect(aggregates.vus.capacity).toBe(16);
    expect(aggregates.vus.perBackend).toHaveLength(3);
    expect(aggregates.timeline.size).toBe(10);
    const summary = summarize(aggregates);
    expect(summary.counts.total).toBe(100_000);
    const perClass = Object.values(summary.latency.byClass).reduce((sum, stats) => sum + stats.count, 0);
    expect(perClass).toBe(summary.latency.count);
  });

  it('refuses a VU id that is not a small non-negative integer', () => {
    const aggregator = new MetricsAggregator();
    expect(() => feed(aggregator, -1, 'ok', 'b1')).toThrow(/vu: expected an integer/);
    expect(() => feed(aggregator, 1.5, 'ok', 'b1')).toThrow(/vu: expected an integer/);
  });

  it('refuses a maxBackends that per-VU backend indexes cannot hold', () => {
    expect(() => new MetricsAggregator({ maxBackends: 0 })).toThrow(/maxBackends: expected an integer/);
    expect(() => new MetricsAggregator({ maxBackends: 40_000 })).toThrow(/maxBackends: expected an integer/);
  });

  it('counts backend names beyond maxBackends as unknown', () => {
    const aggregator = new MetricsAggregator({ maxBackends: 2 });
    for (const name of ['b1', 'b2', 'session-abc', 'session-def']) feed(aggregator, 1, 'ok', name);
    const summary = summarize(aggregator.aggregates());
    expect(Object.keys(summary.backendShare)).toEqual(['b1', 'b2']);
    expect(summary.counts.unknownBackend).toBe(2);
  });
});

describe('impact of a chaos event', () => {
  it('counts failures and re-logins in the window, and the time to each affected VU’s next ok', () => {
    const aggregator = new MetricsAggregator();
    aggregator.trackEvent('restart-b1', 1000, 2000).over(1000);
    feed(aggregator, 2, 'error', 'unknown', { end: 900 }, 'refused'); // before the event
    feed(aggregator, 1, 'mismatch', 'b2', { end: 1500 });
    aggregator.login(loginRecord({ vu: 1, cause: 'mismatch', end: 1600 }));
    feed(aggregator, 1, 'mismatch', 'b2', { end: 1700 }); // same VU: affected once
    feed(aggregator, 3, 'error', 'unknown', { end: 2000 }, 'reset');
    feed(aggregator, 2, 'ok', 'b1', { end: 2500 }); // VU 2 failed before the event only: not affected
    feed(aggregator, 2, 'error', 'unknown', { end: 3500 }, 'reset'); // after the window
    feed(aggregator, 1, 'ok', 'b1', { end: 4000 }); // recovery may come after the window
    const [impact] = summarize(aggregator.aggregates()).impact;
    expect(impact).toMatchObject({
      id: 'restart-b1',
      at: 1000,
      windowMs: 2000,
      mismatches: 2,
      errors: 1,
      expired: 0,
      wrongUser: 0,
      relogins: 1,
      vusAffected: 2,
      vusRecovered: 1,
    });
    expect(impact?.recovery.max).toBeCloseTo(3000, -1);
  });

  it('ends a window early when told (the next step of a rolling restart): each record counts once', () => {
    const aggregator = new MetricsAggregator();
    aggregator.trackEvent('chaos-1.1', 1000, 5000).endAt(2000);
    aggregator.trackEvent('chaos-1.2', 2000, 5000).over(2000);
    feed(aggregator, 1, 'mismatch', 'b2', { end: 1500 });
    feed(aggregator, 2, 'mismatch', 'b1', { end: 2500 });
    feed(aggregator, 1, 'ok', 'b2', { end: 3000 });
    const impact = summarize(aggregator.aggregates()).impact;
    expect(impact.map((entry) => [entry.id, entry.windowMs, entry.mismatches, entry.vusRecovered])).toEqual([
      ['chaos-1.1', 1000, 1, 1],
      ['chaos-1.2', 5000, 1, 0],
    ]);
  });
});

describe('summarize: backends known before the run', () => {
  it('counts a backend that never answered, so all users on one of three reads as load skew 3', () => {
    const aggregator = new MetricsAggregator({ expectedBackends: ['b1', 'b2', 'b3'] });
    for (let vu = 0; vu < 6; vu++) feed(aggregator, vu, 'ok', 'b2');
    const summary = summarize(aggregator.aggregates());
    expect(summary.backendShare).toEqual({
      b1: { count: 0, share: 0, pinnedVus: 0 },
      b2: { count: 6, share: 1, pinnedVus: 6 },
      b3: { count: 0, share: 0, pinnedVus: 0 },
    });
    expect(summary.loadSkew).toBe(3);
    expect(summary.pinSkew).toBe(3);
  });

  it('knows only the backends that answered when none are listed', () => {
    const aggregator = new MetricsAggregator();
    for (let vu = 0; vu < 6; vu++) feed(aggregator, vu, 'ok', 'b2');
    expect(summarize(aggregator.aggregates()).loadSkew).toBe(1);
  });
});

describe('summarize: one clock, from the traffic phase', () => {
  it('counts the timeline and the impacts from the start of the traffic phase, the login phase before 0', () => {
    const aggregator = new MetricsAggregator({ vus: 2 });
    aggregator.login(loginRecord({ vu: 1, start: 100, end: 400 }));
    aggregator.login(loginRecord({ vu: 2, start: 900, end: 1_800 }));
    aggregator.startTraffic(2_300);
    aggregator.trackEvent('chaos-1', 3_300, 1_000).over(3_300);
    feed(aggregator, 1, 'ok', 'b1', { intendedStart: 2_300, start: 2_300, end: 2_350 });
    feed(aggregator, 2, 'mismatch', 'b2', { intendedStart: 3_400, start: 3_400, end: 3_500 });
    const summary = summarize(aggregator.aggregates());
    expect(summary.trafficStartedAt).toBe(2_300);
    expect(
      summary.timeline.map((bucket) => [
        bucket.at,
        bucket.logins,
        bucket.classes.ok,
        bucket.classes.mismatch,
      ]),
    ).toEqual([
      [-2_000, 1, 0, 0],
      [-1_000, 1, 0, 0],
      [0, 0, 1, 0],
      [1_000, 0, 0, 1],
    ]);
    expect(summary.impact.map((impact) => [impact.id, impact.at, impact.mismatches])).toEqual([
      ['chaos-1', 1_000, 1],
    ]);
  });
});
