import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { wilsonInterval } from '../../src/metrics/wilson.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { responseRecord } from '../helpers/records.js';
import { fixedResult } from '../report/fixtures.js';

describe('per mix entry: each request of a mix counted on its own (one service each behind a gateway)', () => {
  const aggregator = new MetricsAggregator();
  const answer = (request: string, responseClass: 'ok' | 'mismatch' | 'error') =>
    aggregator.response(responseRecord({ vu: 1, request }), { class: responseClass, backend: 'a1' });
  for (let i = 0; i < 6; i++) answer('a-me', 'ok');
  for (let i = 0; i < 3; i++) answer('b-me', 'mismatch');
  answer('b-me', 'ok');
  answer('b-me', 'error');
  const summary = summarize(aggregator.aggregates());

  it('gives classes and the mismatch rate with its Wilson interval per entry, by name', () => {
    expect(Object.keys(summary.byRequest ?? {})).toEqual(['a-me', 'b-me']);
    expect(summary.byRequest?.['a-me']?.mismatchRate).toEqual({
      value: 0,
      low: 0,
      high: wilsonInterval(0, 6)?.high,
      mismatches: 0,
      of: 6,
    });
    const b = summary.byRequest?.['b-me'];
    expect(b?.total).toBe(5);
    expect(b?.classes.error).toBe(1);
    expect(b?.mismatchRate.value).toBe(3 / 4);
    expect(b?.mismatchRate.mismatches).toBe(3);
    expect(b?.mismatchRate.of).toBe(4);
    // The entries add up to the run's own figures.
    expect(summary.mismatchRate.mismatches).toBe(3);
    expect(summary.mismatchRate.of).toBe(10);
  });

  it('shows a "Per request" table in the terminal report and the Markdown', () => {
    const result = fixedResult({ summary });
    const table = renderSummaryTable(result, { color: false });
    expect(table).toContain('Per request');
    expect(table).toMatch(/b-me\s+5\s+1\s+3\s+75%/);
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Per request');
    expect(markdown).toMatch(/\| a-me \| 6 \| 6 \| 0 \| 0% \|/);
  });

  it('leaves the table out for a mix of one request (the Sessions section says it all)', () => {
    const one = new MetricsAggregator();
    one.response(responseRecord({ vu: 1, request: 'me' }), { class: 'ok', backend: 'b1' });
    const result = fixedResult({ summary: summarize(one.aggregates()) });
    expect(renderSummaryTable(result, { color: false })).not.toContain('Per request');
  });
});
