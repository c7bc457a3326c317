import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/chaos/journal.js';
import type { ResponseClass } from '../../src/classify/types.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import type { EventImpact } from '../../src/metrics/summary.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

/** A response as the run sees it: it ended at `end` and reached the metrics at `arrives` (later, under load). */
interface Seen {
  vu: number;
  class: ResponseClass;
  end: number;
  arrives?: number;
  relogin?: boolean;
}

/**
 * Plays a hand-made journal entry and hand-made records in the order a run delivers them: the window opens
 * when the action is issued, and is told the action is over at the later of done and back, as the chaos
 * session tells it; each record reaches the metrics when it `arrives`.
 */
function replay(
  action: Partial<ActionRecord> & Pick<ActionRecord, 'issuedMs'>,
  seen: Seen[],
  windowMs: number,
) {
  const metrics = new MetricsAggregator({ vus: 10 });
  metrics.startTraffic(0);
  const overAt = Math.max(action.markerMs ?? action.doneMs ?? 0, action.recoveredMs ?? 0);
  let followed: ReturnType<MetricsAggregator['trackEvent']> | undefined;
  const moments = [
    {
      at: action.issuedMs,
      order: 0,
      run: () => {
        followed = metrics.trackEvent('chaos-1', action.issuedMs, windowMs);
      },
    },
    ...(action.doneMs === undefined ? [] : [{ at: overAt, order: 2, run: () => followed?.over(overAt) }]),
    ...seen.map((record) => ({
      at: record.arrives ?? record.end,
      order: 1,
      run: () => {
        if (record.relogin === true) {
          metrics.login(
            loginRecord({ vu: record.vu, cause: 'mismatch', start: record.end - 5, end: record.end }),
          );
          return;
        }
        metrics.response(responseRecord({ vu: record.vu, start: record.end - 5, end: record.end }), {
          class: record.class,
          backend: 'b1',
        });
      },
    })),
  ].sort((a, b) => a.at - b.at || a.order - b.order);
  for (const moment of moments) moment.run();
  const [impact] = summarize(metrics.aggregates()).impact;
  return impact as EventImpact;
}

const counts = (impact: EventImpact) => [
  impact.at,
  impact.windowMs,
  impact.mismatches,
  impact.errors,
  impact.relogins,
];

describe('impact window: from issued until impactWindow after the effect is over', () => {
  it('a restart: the stop’s errors (issued..done) and the mismatches after back both count', () => {
    const impact = replay(
      { issuedMs: 1_000, doneMs: 1_300, recoveredMs: 1_400 },
      [
        { vu: 1, class: 'error', end: 999 }, // before the action: not its
        { vu: 1, class: 'error', end: 1_100 }, // the stop
        { vu: 2, class: 'error', end: 1_200 },
        { vu: 3, class: 'mismatch', end: 1_500 }, // after back: the backend came back empty
        { vu: 3, class: 'mismatch', end: 3_390, relogin: true },
        { vu: 4, class: 'mismatch', end: 3_399 },
        { vu: 5, class: 'mismatch', end: 3_400 }, // back + 2 s: the window is over
        { vu: 1, class: 'ok', end: 3_500 },
      ],
      2_000,
    );
    expect(counts(impact)).toEqual([1_000, 2_400, 2, 2, 1]);
    expect(impact.vusAffected).toBe(4);
    // VU 1 failed at 1.1 s and got its ok at 3.5 s: 2.5 s after the action was issued.
    expect(impact.vusRecovered).toBe(1);
    expect(impact.recovery.max).toBeCloseTo(2_500, -1);
  });

  it('an exec that sleeps before it restarts: the mismatches after the backend came back count', () => {
    // The script sleeps 3 s, restarts a backend at 4 s, waits, and exits at 4.5 s; the window is 1 s. Before,
    // the window was [1 s, 2 s) and the row said 0; its mismatches arrive while it still runs.
    const mismatches = [4_100, 4_150, 4_200, 4_250, 4_300, 4_350].map(
      (end, index): Seen => ({ vu: index + 1, class: 'mismatch', end }),
    );
    const impact = replay({ issuedMs: 1_000, doneMs: 4_500 }, mismatches, 1_000);
    expect(counts(impact)).toEqual([1_000, 4_500, 6, 0, 0]);
    expect(impact.vusAffected).toBe(6);
  });

  it('an exec that prints its marker: done there, though it runs on', () => {
    const impact = replay(
      { issuedMs: 1_000, markerMs: 2_000, doneMs: 9_000 },
      [
        { vu: 1, class: 'mismatch', end: 2_500 },
        { vu: 2, class: 'mismatch', end: 3_100 }, // marker + 1 s: after the window
      ],
      1_000,
    );
    expect(counts(impact)).toEqual([1_000, 2_000, 1, 0, 0]);
  });

  it('a record that ended in the window but arrived after it was over still counts; one after it, not', () => {
    const impact = replay(
      { issuedMs: 1_000, doneMs: 1_200, recoveredMs: 1_300 },
      [
        { vu: 1, class: 'error', end: 2_200, arrives: 2_600 },
        { vu: 2, class: 'error', end: 2_300, arrives: 2_300 },
      ],
      1_000,
    );
    expect(counts(impact)).toEqual([1_000, 1_300, 0, 1, 0]);
  });

  it('an action still under way when the run ended: the window reaches the last record', () => {
    const impact = replay(
      { issuedMs: 1_000 },
      [
        { vu: 1, class: 'error', end: 5_000 },
        { vu: 1, class: 'ok', end: 20_000 },
      ],
      1_000,
    );
    expect(counts(impact)).toEqual([1_000, 19_000, 0, 1, 0]);
  });

  it('a rolling step’s window is cut where the next step is issued, even after it was over', () => {
    const metrics = new MetricsAggregator({ vus: 2 });
    const first = metrics.trackEvent('chaos-1.1', 1_000, 5_000);
    first.over(1_500);
    first.endAt(2_000);
    const second = metrics.trackEvent('chaos-1.2', 2_000, 5_000);
    metrics.response(responseRecord({ vu: 1, end: 1_900 }), { class: 'mismatch', backend: 'b1' });
    metrics.response(responseRecord({ vu: 2, end: 2_100 }), { class: 'mismatch', backend: 'b2' });
    second.over(2_500);
    const impact = summarize(metrics.aggregates()).impact;
    expect(impact.map((entry) => [entry.id, entry.at, entry.windowMs, entry.mismatches])).toEqual([
      ['chaos-1.1', 1_000, 1_000, 1],
      ['chaos-1.2', 2_000, 5_500, 1],
    ]);
  });
});
