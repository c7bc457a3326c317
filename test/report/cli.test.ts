import { describe, expect, it } from 'vitest';
import { serializeResult } from '../../src/report/formats.js';
import { runCli } from '../cli/run-cli.js';
import { minimalProfile, writeTempFile } from '../profile/fixtures.js';
import { fixedResult, fixedSummary } from './fixtures.js';

/** The fixed result, saved to a file the test that asks for it removes when it ends. */
const saved = (): string => writeTempFile('result.json', serializeResult(fixedResult()));

describe('session-chaos report', () => {
  it('renders a saved result as the plain table when stdout is not a terminal', async () => {
    const { code, stdout } = await runCli(['report', saved()]);
    expect(code).toBe(0);
    expect(stdout).toContain('FAILED: 1 of 6 thresholds failed');
    expect(stdout).not.toContain('\u001b[');
  });

  it.each([
    ['markdown', /^## session-chaos/],
    ['junit', /^<\?xml/],
  ])('renders --format %s', async (format, start) => {
    const { code, stdout } = await runCli(['report', saved(), '--format', format]);
    expect(code).toBe(0);
    expect(stdout).toMatch(start);
  });

  it('exits 2 with a clear message for a file that is not a result', async () => {
    const other = writeTempFile('k6.json', '{"metrics": {}}');
    const { code, stderr } = await runCli(['report', other]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${other}: not a session-chaos result`);
  });

  it('exits 2 for a result of a newer schemaVersion', async () => {
    const newer = writeTempFile('newer.json', JSON.stringify({ ...fixedResult(), schemaVersion: 4 }));
    const { code, stderr } = await runCli(['report', newer]);
    expect(code).toBe(2);
    expect(stderr).toContain('with schemaVersion 4; this version reads up to 3\nhint: upgrade session-chaos');
  });

  it('refuses an unknown format', async () => {
    expect((await runCli(['report', saved(), '--format', 'pdf'])).code).toBe(2);
  });

  it('renders every format of the registry, html included', async () => {
    const { code, stdout } = await runCli(['report', saved(), '--format', 'html']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!doctype html>/);
    const json = (await runCli(['report', saved(), '--format', 'json'])).stdout;
    expect(JSON.parse(json)).toEqual(JSON.parse(serializeResult(fixedResult())));
  });

  it('reads a result of schemaVersion 1 (no per-second latency, no pin map)', async () => {
    const { pins: _pins, ...summary } = fixedResult().summary;
    const old = {
      ...fixedResult(),
      schemaVersion: 1,
      summary: { ...summary, timeline: summary.timeline.map(({ latency: _latency, ...bucket }) => bucket) },
    };
    const path = writeTempFile('v1.json', JSON.stringify(old));
    const { code, stdout } = await runCli(['report', path, '--format', 'html']);
    expect(code).toBe(0);
    expect(stdout).toContain('written before schemaVersion 3');
  });
});

describe('session-chaos compare', () => {
  const summary = fixedSummary();
  const worse = (): string =>
    writeTempFile(
      'worse.json',
      serializeResult(
        fixedResult({ summary: { ...summary, mismatchRate: { ...summary.mismatchRate, value: 0.05 } } }),
      ),
    );
  const compareFailingOn = (rule: string) =>
    runCli(['compare', saved(), worse(), '--fail-on-regression', rule]);

  it('shows the changes and exits 0 without rules', async () => {
    const { code, stdout } = await runCli(['compare', saved(), worse()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^mismatchRate\s+0\.41%\s+5%/m);
  });

  it('exits 1 on a regression beyond the tolerance', async () => {
    const { code, stdout } = await compareFailingOn('mismatchRate:0.01');
    expect(code).toBe(1);
    expect(stdout).toContain('REGRESSION (> mismatchRate:0.01)');
  });

  it('exits 2 on a bad rule', async () => {
    const { code, stderr } = await compareFailingOn('mismatch:1');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown metric "mismatch"');
  });
});

describe('session-chaos run threshold flags', () => {
  const profile = (): string => writeTempFile('p.yaml', minimalProfile);

  it('refuses an unknown metric in --fail-on before anything runs (exit 2)', async () => {
    const { code, stderr } = await runCli([
      'run',
      '--profile',
      profile(),
      '--dry-run',
      '--fail-on',
      'loadSkw<2',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--fail-on "loadSkw<2": unknown metric "loadSkw" (did you mean "loadSkew"?)');
  });

  it('accepts good --fail-on expressions, --no-default-thresholds and --quiet', async () => {
    const { code } = await runCli([
      'run',
      '--profile',
      profile(),
      '--dry-run',
      '--quiet',
      '--no-default-thresholds',
      '--fail-on',
      'mismatchRate<1%',
      'latency.p99<500ms',
    ]);
    expect(code).toBe(0);
  });
});
