import { describe, expect, it } from 'vitest';
import { LiveRun } from '../../src/report/live.js';
import type { Timer } from '../../src/report/progress.js';
import { parseThreshold, type Threshold } from '../../src/thresholds/expression.js';
import { manualClock } from '../../src/util/clock.js';
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

describe('LiveRun', () => {
  it('counts logins, then requests by class for the progress line, from the first response on', () => {
    const clock = manualClock(100);
    const { timer, state } = manualTimer();
    const live = new LiveRun({
      clock,
      timer,
      thresholds: [],
      users: 2,
      totalMs: 30_000,
      onThresholdFailed: () => {},
    });
    expect(state.callback).toBeUndefined();
    live.onLogin(loginRecord());
    clock.advance(500);
    expect(live.snapshot()).toMatchObject({ phase: 'login', elapsedMs: 500, requests: 1 });
    live.onResponse(responseRecord(), { class: 'ok', backend: 'b1' });
    clock.advance(2000);
    live.onResponse(responseRecord({ status: 401 }), { class: 'mismatch', backend: 'b2' });
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

  it('checks abortOnFail thresholds on the live summary and reports the first failure once', () => {
    const { timer, state } = manualTimer();
    const failures: string[] = [];
    const live = new LiveRun({
      clock: manualClock(),
      timer,
      users: 1,
      thresholds: [threshold('mismatchRate<0.2', false), threshold('mismatches<2', true)],
      onThresholdFailed: (failure) => failures.push(failure.expression),
    });
    live.onLogin(loginRecord());
    live.onResponse(responseRecord(), { class: 'mismatch', backend: 'b1' });
    state.callback?.();
    expect(failures).toEqual([]);
    live.onResponse(responseRecord(), { class: 'mismatch', backend: 'b1' });
    state.callback?.();
    state.callback?.();
    expect(failures).toEqual(['mismatches<2']);
    expect(state.cleared).toBe(1);
  });
});
