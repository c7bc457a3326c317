import { describe, expect, it } from 'vitest';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { renderHtml, renderReportPage } from '../../src/report/html/render.js';
import { chaosBands, clockOffsetMs, sharedScales, timelineSeries } from '../../src/report/html/series.js';
import type { RunResult } from '../../src/report/result.js';
import { embeddedPageData } from '../helpers/page-data.js';
import { loginRecord, responseRecord } from '../helpers/records.js';
import { fixedResult } from './fixtures.js';

describe('the HTML report', () => {
  const result = fixedResult();
  const page = renderHtml(result);

  it('embeds the result document as data, unchanged', () => {
    const data = embeddedPageData(page);
    expect(data.runs).toEqual([JSON.parse(JSON.stringify(result))]);
    expect(data.scales).toEqual({ from: 0, to: 10, requests: 200, latency: expect.any(Number) });
  });

  it('is one file that can load nothing: no external reference, a policy that forbids requests', () => {
    expect(page).toContain(`content="default-src 'none'; script-src 'unsafe-inline'`);
    expect(page).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(page).not.toMatch(/url\(\s*['"]?(https?:)?\/\//i);
    expect(page.length).toBeLessThan(1024 * 1024);
  });

  it('shows the verdict, the thresholds and the terminal tables, and a figure per chart', () => {
    expect(page).toContain('class="verdict verdict-');
    for (const title of ['Thresholds', 'Responses', 'Latency']) expect(page).toContain(`<h3>${title}</h3>`);
    for (const chart of ['timeline', 'latency', 'shares', 'pins']) {
      expect(page).toContain(`data-chart="${chart}" data-run="0"`);
    }
    // Each chart's numbers are there as a table, and its summary as the image's label.
    expect(page).toMatch(/aria-label="Requests per second by class over 10 s; peak 200\/s/);
    expect(page).toContain('restart lab-app2 issued +4s, done +4.4s, back +4.9s');
  });

  it('says how the pin map was sampled', () => {
    expect(page).toContain('one row per VU, all 20 VUs, one column per second');
    const big: RunResult = {
      ...result,
      summary: {
        ...result.summary,
        pins: {
          vus: [0, 50],
          ofVus: 10_000,
          stride: 50,
          from: 0,
          columnMs: 2000,
          backends: ['a'],
          cells: [[1], [1]],
        },
      },
    };
    expect(renderHtml(big)).toContain(
      'a sample of 2 of 10,000 VUs (every 50th), one column per 2 s (downsampled)',
    );
  });

  it('escapes what came from the profile, in the markup and in the embedded data', () => {
    const hostile: RunResult = { ...result, profile: { ...result.profile, name: '</script><img src=x>' } };
    const html = renderHtml(hostile);
    expect(html).not.toContain('<img src=x>');
    expect(embeddedPageData(html).runs[0]?.profile.name).toBe('</script><img src=x>');
  });

  it('puts every strategy of a matrix on the same scales, with the comparison table', () => {
    const quiet: RunResult = {
      ...result,
      summary: { ...result.summary, timeline: result.summary.timeline.slice(0, 3) },
    };
    const html = renderReportPage({
      title: 'matrix',
      comparison: {
        head: ['strategy', 'verdict'],
        rows: [
          ['a', 'passed'],
          ['b', 'passed'],
        ],
      },
      runs: [
        { heading: 'a', notes: [], result },
        { heading: 'b', notes: ['skipped: no Docker'] },
        { heading: 'c', notes: [], result: quiet },
      ],
    });
    expect(html).toContain('<h2>Comparison</h2>');
    const data = embeddedPageData(html);
    expect(data.runs[1]).toBeNull();
    expect(data.scales).toEqual(sharedScales([result, quiet]));
    expect([data.scales.from, data.scales.to]).toEqual([0, 10]);
  });
});

describe('the series the charts draw', () => {
  const result = fixedResult();

  it('fills every second, with the classes, re-logins and latency of the timeline', () => {
    const series = timelineSeries(result.summary);
    expect(series.seconds).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const bucket = result.summary.timeline[4];
    expect(series.classes.error[4]).toBe(bucket?.classes.error);
    expect(series.relogins.reduce((a, b) => a + b, 0)).toBe(result.summary.relogins.total);
    expect(series.p99[4]).toBe(bucket?.latency?.p99);
    expect(series.backends).toEqual(['app1', 'app2', 'unknown']);
  });

  it('puts the timeline on the journal’s clock when the result says where the traffic phase started', () => {
    // A summary without trafficStartedAt counts from the run's start (as results before it did).
    const { trafficStartedAt: _origin, ...runClockSummary } = result.summary;
    const shifted: RunResult = { ...result, summary: runClockSummary, trafficStartMs: 1500 };
    const series = timelineSeries(shifted.summary, 1500);
    expect(series.seconds.slice(0, 3)).toEqual([-1.5, -0.5, 0.5]);
    expect(sharedScales([shifted])).toMatchObject({ from: -2, to: 9 });
    const page = renderHtml(shifted);
    expect(page).toContain('seconds from the traffic phase’s start');
    expect(page).toContain('<td>-1.5s</td>');
  });

  it('makes a band of each chaos action from the journal, and none of Docker events', () => {
    expect(chaosBands(result)).toEqual([
      { id: 'chaos-1', label: 'restart lab-app2', at: 4000, doneAt: 4420, backAt: 4900, outcome: 'done' },
      { id: 'chaos-2', label: 'exec notify-deploy', at: 8000, doneAt: 8050, outcome: 'failed' },
    ]);
  });
});

/**
 * A long, large run as the page would get it: every sampled VU answering every second, with a mismatch, an
 * error and a re-login in each (the widest cells), over three backends and a fully populated timeline.
 */
function largeResult(seconds: number, vus: number): RunResult {
  const aggregator = new MetricsAggregator({ vus, expectedBackends: ['b1', 'b2', 'b3'] });
  for (let second = 0; second < seconds; second++) {
    for (let vu = 0; vu < vus; vu += Math.ceil(vus / 200)) {
      const at = second * 1000 + (vu % 997);
      const record = responseRecord({ vu, user: `user${vu}`, intendedStart: at, start: at, end: at + 5 });
      aggregator.response(record, { class: 'mismatch', backend: `b${1 + ((vu + second) % 3)}` });
      aggregator.response(
        { ...record, end: at + 6 },
        { class: 'error', backend: 'unknown', reason: 'reset' },
      );
      aggregator.login(loginRecord({ vu, user: `user${vu}`, cause: 'mismatch', end: at + 7 }));
    }
  }
  const result = fixedResult({ summary: summarize(aggregator.aggregates()) });
  return { ...result, durationMs: seconds * 1000 };
}

describe('the HTML report of large runs', () => {
  it('stays under 1 MB for a 1-minute run of 10,000 VUs', () => {
    expect(renderHtml(largeResult(60, 10_000)).length).toBeLessThan(1024 * 1024);
  });

  it('stays under 5 MB for a 10-minute run of 10,000 VUs, with the sampling said on the page', () => {
    const result = largeResult(600, 10_000);
    expect(result.summary.pins).toMatchObject({ ofVus: 10_000, stride: 50, columnMs: 1000 });
    expect(result.summary.pins?.vus).toHaveLength(200);
    const page = renderHtml(result);
    expect(page.length).toBeLessThan(5 * 1024 * 1024);
    expect(page).toContain('a sample of 200 of 10,000 VUs (every 50th)');
  });
});

describe('the HTML report on one clock', () => {
  it('draws a summary that counts from the traffic phase as it is, the login phase at negative seconds', () => {
    const result = fixedResult();
    const summary = {
      ...result.summary,
      trafficStartedAt: 1500,
      timeline: result.summary.timeline.map((bucket) => ({ ...bucket, at: bucket.at - 2000 })),
    };
    const series = timelineSeries(summary, clockOffsetMs({ ...result, summary, trafficStartMs: 1500 }));
    expect(series.seconds.slice(0, 3)).toEqual([-2, -1, 0]);
    expect(series.total[0]).toBe(
      Object.values(result.summary.timeline[0]?.classes ?? {}).reduce((a, b) => a + b, 0),
    );
  });
});
