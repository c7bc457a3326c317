import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { renderPlainSummary } from '../../src/metrics/plain.js';
import { summarize } from '../../src/metrics/summarize.js';
import { loginRecord, responseRecord } from '../helpers/records.js';

describe('renderPlainSummary', () => {
  it('shows classes, the mismatch rate with its interval, backends and latency', () => {
    const aggregator = new MetricsAggregator();
    aggregator.login(loginRecord());
    aggregator.response(responseRecord(), { class: 'ok', backend: 'b1' });
    aggregator.response(responseRecord({ end: 30 }), { class: 'mismatch', backend: 'b2' });
    const text = renderPlainSummary(summarize(aggregator.aggregates()));
    expect(text).toMatch(/^ok\s+1\s+50\.00%$/m);
    expect(text).toMatch(/^mismatch\s+1\s+50\.00%$/m);
    expect(text).toMatch(/^mismatch rate\s+50\.00% \(95% CI 9\.45% to 90\.55%\)$/m);
    // A tie pins the VU to the backend seen first in the run.
    expect(text).toMatch(/^b1\s+1\s+50\.00%\s+1$/m);
    expect(text).toMatch(/^b2\s+1\s+50\.00%\s+0$/m);
    expect(text).toMatch(/^logins\s+ok 1, failed 0, error 0$/m);
    expect(text).toMatch(/^all\s+2\s+10\.0/m);
  });

  it('says n/a for ratios without data', () => {
    const text = renderPlainSummary(summarize(new MetricsAggregator().aggregates()));
    expect(text).toMatch(/^mismatch rate\s+n\/a$/m);
    expect(text).toMatch(/^affinity\s+n\/a$/m);
    expect(text).not.toContain('NaN');
  });
});
