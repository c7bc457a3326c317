import { describe, expect, it } from 'vitest';
import { formatSpread, median, parseWrk, spread } from '../../bench/stats.js';

describe('bench stats', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('formats a median with its range', () => {
    expect(formatSpread(spread([20_812, 21_340, 20_101]))).toBe('20,812 (20,101-21,340)');
    expect(formatSpread(spread([9.25, 9]), 1)).toBe('9.1 (9.0-9.3)');
  });

  it("reads wrk's summary, errors and non-2xx answers included", () => {
    const output = [
      'Running 10s test @ http://127.0.0.1:8080/me',
      '  1 threads and 50 connections',
      '  313012 requests in 10.00s, 60.01MB read',
      '  Socket errors: connect 0, read 2, write 0, timeout 1',
      '  Non-2xx or 3xx responses: 4',
      'Requests/sec:  31298.12',
    ].join('\n');
    expect(parseWrk(output)).toEqual({ requests: 313_012, durationMs: 10_000, bad: 7 });
    expect(() => parseWrk('nothing here')).toThrow(/cannot read wrk/);
  });
});
