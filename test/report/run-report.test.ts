import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/profile/load.js';
import { buildResult } from '../../src/report/result.js';
import { reportRun } from '../../src/report/run-report.js';
import { resolveThresholds } from '../../src/thresholds/resolve.js';
import { testDir } from '../helpers/test-dir.js';
import { canaries, fixedProfileText, fixedSummary } from './fixtures.js';

function stream(isTTY = false) {
  let text = '';
  return { isTTY, write: (chunk: string) => (text += chunk), text: () => text };
}

describe('reportRun', () => {
  const env = { LAB_PASSWORD: canaries.password };

  it('prints the table on stdout and writes the files', async () => {
    const dir = testDir('session-chaos-run-report-');
    const plan = resolvePlan('p.yaml', fixedProfileText, {
      env,
      flags: { json: join(dir, 'r.json'), junit: join(dir, 'r.xml') },
    });
    const stdout = stream();
    const stderr = stream();
    const result = buildResult({
      plan,
      summary: fixedSummary(),
      thresholds: resolveThresholds(plan.profile.thresholds),
      startedAt: new Date(0),
      endedAt: new Date(1000),
    });
    await reportRun(result, plan.profile.outputs, { stdout, stderr, env: {} });
    expect(result.verdict).toEqual({ status: 'passed', exitCode: 0, failed: [] });
    expect(stdout.text()).toContain('PASSED: all 5 thresholds held');
    expect(stdout.text()).not.toContain('\u001b[');
    expect(stderr.text()).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'))).toMatchObject({
      verdict: { status: 'passed' },
    });
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toContain('tests="5" failures="0"');
  });

  it('moves the table to stderr when the JSON goes to stdout', async () => {
    const plan = resolvePlan('p.yaml', fixedProfileText, { env, flags: { json: '-' } });
    const stdout = stream();
    const stderr = stream();
    const result = buildResult({
      plan,
      summary: fixedSummary(),
      thresholds: resolveThresholds(plan.profile.thresholds, { failOn: ['mismatches==0'] }),
      startedAt: new Date(0),
      endedAt: new Date(1000),
      earlyEnd: { kind: 'threshold', message: 'mismatches==0 failed during the run' },
    });
    await reportRun(result, plan.profile.outputs, { stdout, stderr, env: {} });
    expect(JSON.parse(stdout.text())).toMatchObject({
      verdict: { status: 'thresholds_failed', exitCode: 1, message: 'mismatches==0 failed during the run' },
    });
    expect(stderr.text()).toContain('FAILED: 1 of 6 thresholds failed: mismatches==0 failed during the run');
    expect(stdout.text()).not.toContain(canaries.password);
  });
});
