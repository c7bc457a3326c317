import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { snapshotResult } from './fixtures.js';

describe('the Markdown summary', () => {
  it('renders a fixed result (snapshot)', async () => {
    await expect(renderMarkdown(snapshotResult())).toMatchFileSnapshot('__snapshots__/summary.md');
  });

  it('puts the verdict first and marks failures', () => {
    const lines = renderMarkdown(snapshotResult()).split('\n');
    expect(lines[2]).toBe('❌ **FAILED: 1 of 6 thresholds failed**');
    expect(lines).toContain('| **FAIL** | loadSkew<1.5 | 1.67 | flag |');
    expect(lines).toContain('| pass | wrongUser==0 | 0 | default |');
  });

  it('escapes pipes in cells', () => {
    const result = snapshotResult();
    const piped = { ...result, chaos: result.chaos.map((entry) => ({ ...entry, target: 'a|b' })) };
    expect(renderMarkdown(piped)).toContain('| a\\|b |');
  });
});
