import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { parseThreshold, type Threshold } from '../../src/profile/threshold-expression.js';
import type { Timer } from '../../src/report/progress.js';
import { watchThresholds } from '../../src/run/live-thresholds.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

function threshold(text: string, abortOnFail: boolean): Threshold {
  const parsed = parseThreshold(text, abortOnFail);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

function manualTimer() {
  const state = { callback: undefined as (() => void) | undefined, cleared: 0 };
  const timer: Timer = {
    setInterval: (callback) => {
      state.callback = callback;
      return 1;
    },
    clearInterval: () => {
      state.cleared++;
    },
  };
  return { timer, state };
}

describe('watchThresholds', () => {
  it('checks abortOnFail thresholds on the live summary and reports the first failure once', () => {
    const { timer, state } = manualTimer();
    const failures: string[] = [];
    const metrics = new MetricsAggregator({ vus: 1 });
    watchThresholds({
      timer,
      thresholds: [threshold('mismatchRate<0.2', false), threshold('mismatches<2', true)],
      summary: () => summarize(metrics.aggregates()),
      onFailed: (failure) => failures.push(failure.expression),
    });
    metrics.login(loginRecord());
    metrics.response(responseRecord(), { class: 'mismatch', backend: 'b1' });
    state.callback?.();
    expect(failures).toEqual([]);
    metrics.response(responseRecord(), { class: 'mismatch', backend: 'b1' });
    state.callback?.();
    state.callback?.();
    expect(failures).toEqual(['mismatches<2']);
    expect(state.cleared).toBe(1);
  });

  it('starts no timer when no threshold asks to abort', () => {
    const { timer, state } = manualTimer();
    const watch = watchThresholds({
      timer,
      thresholds: [threshold('mismatches<2', false)],
      summary: () => summarize(new MetricsAggregator().aggregates()),
      onFailed: () => {},
    });
    expect(state.callback).toBeUndefined();
    expect(watch.check()).toBeUndefined();
  });
});
