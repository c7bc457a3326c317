import { describe, expect, it } from 'vitest';
import { wantsColor } from '../../src/report/style.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { snapshotResult } from './fixtures.js';

const boxDrawing = /[\u2500-\u257f]/;

describe('the terminal summary', () => {
  it('renders a fixed result as plain aligned text (snapshot)', async () => {
    const text = renderSummaryTable(snapshotResult(), { color: false });
    await expect(text).toMatchFileSnapshot('__snapshots__/summary-plain.txt');
    expect(text).not.toMatch(boxDrawing);
    expect(text).not.toContain('\u001b[');
    expect(text.split('\n').every((line) => line === line.trimEnd())).toBe(true);
  });

  it('uses colour and box drawing on a terminal (snapshot)', async () => {
    const text = renderSummaryTable(snapshotResult(), { color: true });
    await expect(text).toMatchFileSnapshot('__snapshots__/summary-color.txt');
    expect(text).toMatch(boxDrawing);
    expect(text).toContain('\u001b[31mFAIL\u001b[39m');
  });

  it('shows the interval, the re-logins, the backends, the chaos impact and the verdict', () => {
    const text = renderSummaryTable(snapshotResult(), { color: false });
    expect(text).toContain('mismatch rate  0.41%  8 of 1,958 (95% CI');
    expect(text).toMatch(/re-logins\s+8\s+mismatch 8, expired 0; 8 VUs affected/);
    expect(text).toMatch(/app1\s+1,640\s+83.67%\s+20\s+#{17}/);
    expect(text).toMatch(/\+4s\s+restart\s+lab-app2\s+done\s+\+4.42s\s+\+4.9s\s+\+9.9s\s+8\s+40\s+8\s+8\s+8/);
    expect(text).toContain('FAILED: 1 of 6 thresholds failed');
  });

  it('reports an aborted run as such', () => {
    const text = renderSummaryTable(
      snapshotResult({ earlyEnd: { kind: 'fault', message: 'Docker went away' } }),
      {
        color: false,
      },
    );
    expect(text).toContain('ABORTED: Docker went away (1 of 6 thresholds failed)');
  });

  it('leaves out the chaos table when the run had no chaos', () => {
    const result = snapshotResult();
    const text = renderSummaryTable(
      { ...result, chaos: [], summary: { ...result.summary, impact: [] } },
      { color: false },
    );
    expect(text).not.toMatch(/^Chaos/m);
  });
});

describe('wantsColor', () => {
  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, {}, false],
    [undefined, {}, false],
  ])('isTTY %s, env %j: %s', (isTTY, env, expected) => {
    expect(wantsColor(isTTY === undefined ? {} : { isTTY }, env)).toBe(expected);
  });
});
