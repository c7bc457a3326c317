import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { MatrixDocument } from '../../src/matrix/matrix.js';
import { backendColors, classColors } from '../../src/report/html/palette.js';
import { clockOffsetMs, timelineSeries } from '../../src/report/html/series.js';
import { runCli } from '../cli/run-cli.js';
import { openInChromium } from '../helpers/browser.js';
import { embeddedPageData } from '../helpers/page-data.js';
import { testDir } from '../helpers/test-dir.js';
import { bundleBackend } from '../lab/helpers.js';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

interface DrawnChart {
  run: number;
  chart: string;
  points: number;
}

interface BandPosition {
  run: number;
  chart: string;
  at: number;
  left: number;
  width: number;
}

/** Per figure, how many canvas pixels have each of the given colours: what was drawn, not that a canvas exists. */
function pixelCounter(colors: readonly string[]): string {
  return `(() => {
    const colors = ${JSON.stringify(colors)}.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    return [...document.querySelectorAll('figure.chart')].map((figure) => {
      const counts = colors.map(() => 0);
      for (const canvas of figure.querySelectorAll('canvas')) {
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] < 250) continue;
          colors.forEach(([r, g, b], k) => {
            if (Math.abs(data[i] - r) < 6 && Math.abs(data[i + 1] - g) < 6 && Math.abs(data[i + 2] - b) < 6) counts[k]++;
          });
        }
      }
      return { run: Number(figure.dataset.run), chart: figure.dataset.chart, counts };
    });
  })()`;
}

const bandPositions = `[...document.querySelectorAll('figure.chart .band-acting')].map((band) => {
  const figure = band.closest('figure');
  const area = band.parentElement.getBoundingClientRect();
  return {
    run: Number(figure.dataset.run),
    chart: figure.dataset.chart,
    at: Number(band.dataset.at),
    left: band.getBoundingClientRect().left - area.left,
    width: area.width,
  };
})`;

describe('the HTML report in a real browser (Debian chromium, playwright-core)', () => {
  it('of a lab matrix with a restart: no console error, no request, every chart drawn, the band at the restart', async () => {
    bundleBackend();
    const dir = testDir('session-chaos-html-');
    const html = join(dir, 'report.html');
    const json = join(dir, 'matrix.json');
    const { code, stderr } = await runCli([
      'matrix',
      'profiles/sticky-cookie.yaml',
      'profiles/round-robin-memory.yaml',
      '--json',
      json,
      '--html',
      html,
    ]);
    // Round robin over memory sessions is meant to fail its thresholds.
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`HTML report: ${html}`);
    const document = JSON.parse(readFileSync(json, 'utf8')) as MatrixDocument;
    const sticky = document.scenarios[0]?.result;
    const restart = sticky?.chaos.find((entry) => entry.kind === 'action' && entry.action === 'restart');
    expect(restart?.outcome, JSON.stringify(document.scenarios[0]?.notes)).toBe('done');
    const text = readFileSync(html, 'utf8');
    expect(text.length).toBeLessThan(1024 * 1024);
    const { scales } = embeddedPageData(text);

    const opened = await openInChromium(html);
    try {
      expect(opened.errors).toEqual([]);
      expect(opened.requests).toEqual([`file://${html}`]);

      const charts = (await opened.page.evaluate('window.sessionChaosReport.charts')) as DrawnChart[];
      expect(charts.map((chart) => `${chart.run}:${chart.chart}`)).toEqual([
        '0:timeline',
        '0:latency',
        '0:shares',
        '0:pins',
        '1:timeline',
        '1:latency',
        '1:shares',
        '1:pins',
      ]);
      for (const chart of charts) expect(chart.points, `${chart.run}:${chart.chart}`).toBeGreaterThan(0);

      const colors = [classColors.ok, classColors.mismatch, ...backendColors.slice(0, 3)];
      const pixels = (await opened.page.evaluate(pixelCounter(colors))) as Array<{
        run: number;
        chart: string;
        counts: number[];
      }>;
      for (const { run, chart, counts } of pixels) {
        const [ok = 0, mismatch = 0, b1 = 0, b2 = 0, b3 = 0] = counts;
        const name = `${run}:${chart} ${JSON.stringify(counts)}`;
        if (chart === 'timeline') expect(ok, name).toBeGreaterThan(2000);
        if (chart === 'latency') {
          expect(ok, name).toBeGreaterThan(50);
          expect(mismatch, name).toBeGreaterThan(50);
        }
        // Every backend answered in both runs: each has its colour in the shares and on the pin map.
        if (chart === 'shares' || chart === 'pins') {
          for (const count of [b1, b2, b3]) expect(count, name).toBeGreaterThan(100);
        }
      }

      // The restart's band starts where the run's clock puts the action, on every chart of that run.
      const bands = (await opened.page.evaluate(bandPositions)) as BandPosition[];
      const restartBands = bands.filter((band) => band.run === 0);
      expect(restartBands.map((band) => band.chart)).toEqual(['timeline', 'latency', 'shares', 'pins']);
      for (const band of restartBands) {
        expect(band.at).toBe(restart?.at);
        const expected = ((band.at / 1000 - scales.from) / (scales.to - scales.from)) * band.width;
        expect(Math.abs(band.left - expected), `${band.chart}: ${band.left} vs ${expected}`).toBeLessThan(2);
      }
      expect(bands.filter((band) => band.run === 1)).toEqual([]);
      // The data is on the band's clock: the restart's first errors and mismatches come after it is issued.
      if (sticky === undefined || restart === undefined) throw new Error('no sticky-cookie result');
      const series = timelineSeries(sticky.summary, clockOffsetMs(sticky));
      const firstHurt = series.seconds.find(
        (_second, i) => (series.classes.error[i] ?? 0) + (series.classes.mismatch[i] ?? 0) > 0,
      );
      expect(firstHurt, 'the restart hurt no request').toBeDefined();
      // A bucket starting up to a second before the action holds what ended after it.
      expect(firstHurt ?? 0).toBeGreaterThan(restart.at / 1000 - 1);

      mkdirSync(resultsDir, { recursive: true });
      await opened.page.screenshot({ path: join(resultsDir, 'html-report.png'), fullPage: true });
    } finally {
      await opened.close();
    }
  });
});
