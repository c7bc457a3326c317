import { describe, expect, it } from 'vitest';
import {
  createProgress,
  type ProgressSnapshot,
  renderProgressLine,
  type Timer,
} from '../../src/report/progress.js';

const classes = { ok: 1890, mismatch: 12, wrong_user: 0, expired: 0, error: 3, unexpected: 0 };
const snapshot: ProgressSnapshot = {
  phase: 'traffic',
  elapsedMs: 12_000,
  totalMs: 30_000,
  requests: 1905,
  classes,
  chaos: 'restart lab-app2',
};

describe('renderProgressLine', () => {
  it('shows the phase, elapsed and total, requests, the rate, classes seen and the chaos action', () => {
    expect(renderProgressLine(snapshot, { previous: { elapsedMs: 11_000, requests: 1705 } })).toBe(
      'traffic  12s/30s  1,905 req  200 req/s  ok 1,890 mismatch 12 error 3  chaos: restart lab-app2',
    );
  });

  it('uses the average rate without a previous sample, and a request budget when there is one', () => {
    const { chaos: _, totalMs: __, ...plain } = snapshot;
    expect(renderProgressLine({ ...plain, totalRequests: 5000 })).toBe(
      'traffic  12s  1,905/5,000 req  159 req/s  ok 1,890 mismatch 12 error 3',
    );
  });

  it('fits a terminal width', () => {
    expect(renderProgressLine(snapshot, { width: 20 })).toHaveLength(19);
  });
});

function manualTimer() {
  const timer = {
    callback: undefined as (() => void) | undefined,
    intervalMs: 0,
    cleared: false,
    setInterval(callback: () => void, ms: number) {
      timer.callback = callback;
      timer.intervalMs = ms;
      return 1;
    },
    clearInterval() {
      timer.cleared = true;
    },
    tick() {
      timer.callback?.();
    },
  };
  return timer satisfies Timer;
}

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 200, write: (text: string) => writes.push(text) };
}

describe('createProgress', () => {
  it('redraws one line in place on a terminal, four times a second, and clears it at the end', () => {
    const timer = manualTimer();
    const out = stream(true);
    let requests = 0;
    const progress = createProgress({
      stream: out,
      timer,
      sample: () => {
        requests += 50;
        return { ...snapshot, requests, elapsedMs: requests * 5 };
      },
    });
    timer.tick();
    timer.tick();
    progress.stop();
    progress.stop();
    expect(timer.intervalMs).toBe(250);
    expect(out.writes).toEqual([
      '\r\u001b[2Ktraffic  0.3s/30s  50 req  200 req/s  ok 1,890 mismatch 12 error 3  chaos: restart lab-app2',
      '\r\u001b[2Ktraffic  0.5s/30s  100 req  200 req/s  ok 1,890 mismatch 12 error 3  chaos: restart lab-app2',
      '\r\u001b[2K',
    ]);
    expect(timer.cleared).toBe(true);
  });

  it('writes a short line every 5 seconds without a terminal', () => {
    const timer = manualTimer();
    const out = stream(false);
    const progress = createProgress({ stream: out, timer, sample: () => snapshot });
    timer.tick();
    progress.stop();
    expect(timer.intervalMs).toBe(5000);
    expect(out.writes).toEqual([
      'traffic  12s/30s  1,905 req  159 req/s  ok 1,890 mismatch 12 error 3  chaos: restart lab-app2\n',
    ]);
  });

  it('does not cut the line when the terminal reports no width', () => {
    const timer = manualTimer();
    const out = { ...stream(true), columns: 0 };
    createProgress({ stream: out, timer, sample: () => snapshot });
    timer.tick();
    expect(out.writes[0]).toContain('chaos: restart lab-app2');
  });

  it('writes nothing when quiet', () => {
    const timer = manualTimer();
    const out = stream(true);
    createProgress({ stream: out, timer, quiet: true, sample: () => snapshot }).stop();
    expect(timer.callback).toBeUndefined();
    expect(out.writes).toEqual([]);
  });
});
