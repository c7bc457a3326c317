import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlan } from '../../src/profile/load.js';
import { resolveThresholds } from '../../src/thresholds/resolve.js';

describe('the CI smoke example', () => {
  it('the smoke profile validates, with the target and password from the environment', async () => {
    const plan = await loadPlan('examples/smoke.yaml', {
      env: { SMOKE_PASSWORD: 'pw', SESSION_CHAOS_TARGET: 'http://127.0.0.1:9000' },
    });
    expect(plan.profile.target.url).toBe('http://127.0.0.1:9000');
    expect(resolveThresholds(plan.profile.thresholds).map((threshold) => threshold.expression)).toEqual([
      'mismatchRate<1%',
      'errorRate<1%',
      'latency.p99<500ms',
      'wrongUser==0',
    ]);
  });

  it('the GitHub Actions workflow runs that profile and writes every report', () => {
    const workflow = parse(readFileSync('examples/github-actions.yml', 'utf8')) as {
      jobs: { sessions: { steps: Array<{ run?: string; env?: Record<string, string> }> } };
    };
    const run = workflow.jobs.sessions.steps.find((step) => step.run?.includes('session-chaos run'));
    expect(run?.run).toContain('--profile examples/smoke.yaml');
    expect(run?.run).toMatch(/--json \S+ --junit \S+ --markdown \S+/);
    expect(Object.keys(run?.env ?? {})).toEqual(['SESSION_CHAOS_TARGET', 'SMOKE_PASSWORD']);
  });
});
