import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabOptions } from '../../src/lab/index.js';
import { runCli } from '../cli/run-cli.js';
import { outputFlags, reportFiles } from '../helpers/report-files.js';
import { resultValidator } from '../helpers/result-validator.js';
import { testDir } from '../helpers/test-dir.js';
import { labPerTest } from '../lab/helpers.js';

const canaryPassword = 'CANARY-lab-password-3c9e';

const startLab = labPerTest({ users: 20, password: canaryPassword });

/** Starts a lab and writes a profile for it; the password is read from the environment, as users would. */
async function labProfile(options: Pick<LabOptions, 'balancer' | 'sessions'>, extra = '') {
  const lab = await startLab(options);
  const dir = testDir('session-chaos-run-report-');
  const profile = join(dir, 'profile.yaml');
  writeFileSync(
    profile,
    `name: ${options.balancer} over ${options.sessions}
target:
  url: ${lab.url}
auth:
  credentials:
    password: \${LAB_PASSWORD}
classify:
  identity: { from: json, path: user }
traffic:
  users: 10
  requests: 400
  duration: 20s
${extra}`,
  );
  return { lab, dir, profile, env: { LAB_PASSWORD: canaryPassword, NO_COLOR: '1' } };
}

describe('session-chaos run reports on the lab', () => {
  it('a sticky balancer passes: table, JSON valid against the schema, JUnit, Markdown, step summary; no secret anywhere', async () => {
    const { dir, profile, env } = await labProfile({ balancer: 'haproxy-cookie', sessions: 'memory' });
    const files = reportFiles(dir);
    const stepSummary = join(dir, 'step-summary.md');
    const { code, stdout, stderr } = await runCli(['run', '--profile', profile, ...outputFlags(files)], {
      ...env,
      GITHUB_STEP_SUMMARY: stepSummary,
    });
    expect(stderr).not.toContain('unexpected error');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^mismatch rate\s+0%\s+0 of 400/m);
    expect(stdout).toContain('PASSED: all 3 thresholds held');

    const result = JSON.parse(readFileSync(files.json, 'utf8')) as Record<string, unknown>;
    const validate = resultValidator();
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result).toMatchObject({
      verdict: { status: 'passed', exitCode: 0 },
      summary: { counts: { total: 400 }, wrongUser: 0 },
    });
    expect(readFileSync(files.junit, 'utf8')).toContain('tests="3" failures="0"');
    expect(readFileSync(stepSummary, 'utf8')).toBe(readFileSync(files.markdown, 'utf8'));

    const outputs = [stdout, stderr, ...Object.values(files).map((path) => readFileSync(path, 'utf8'))];
    for (const output of outputs) expect(output).not.toContain(canaryPassword);
  });

  it('round robin over memory sessions fails its mismatch threshold with exit 1, and --json - keeps stdout pure', async () => {
    const { profile, env } = await labProfile({ balancer: 'haproxy-roundrobin', sessions: 'memory' });
    const { code, stdout, stderr } = await runCli(
      ['run', '--profile', profile, '--json', '-', '--fail-on', 'mismatchRate<1%'],
      env,
    );
    expect(code).toBe(1);
    const result = JSON.parse(stdout) as { verdict: unknown; summary: { mismatchRate: { value: number } } };
    expect(result.verdict).toMatchObject({ status: 'thresholds_failed', failed: ['mismatchRate<1%'] });
    expect(result.summary.mismatchRate.value).toBeGreaterThan(0.3);
    expect(stderr).toContain('FAILED: 1 of 3 thresholds failed');
  });

  it('an abortOnFail threshold stops the run early with exit 1', async () => {
    const { profile, env } = await labProfile(
      { balancer: 'haproxy-roundrobin', sessions: 'memory' },
      'thresholds:\n  - expression: mismatches<20\n    abortOnFail: true\n',
    );
    const started = Date.now();
    const { code, stdout } = await runCli(
      ['run', '--profile', profile, '--quiet', '--requests', '100000'],
      env,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('mismatches<20 failed during the run (abortOnFail)');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a restart during the run: its journal entry and its impact meet in the table and the JSON', async () => {
    const { lab, dir, profile, env } = await labProfile(
      { balancer: 'haproxy-cookie', sessions: 'memory' },
      '',
    );
    const container = lab.backends[1]?.containerName;
    if (container === undefined) throw new Error('the lab has no second backend container');
    writeFileSync(
      profile,
      `${readFileSync(profile, 'utf8').replace('requests: 400', 'thinkTime: 20ms').replace('duration: 20s', 'duration: 5s')}chaos:
  events:
    - action: restart
      at: 1s
      target: { name: ${container} }
`,
    );
    const json = join(dir, 'chaos.json');
    const { code, stdout, stderr } = await runCli(['run', '--profile', profile, '--json', json], env);
    expect(stderr).not.toContain('unexpected error');
    const result = JSON.parse(readFileSync(json, 'utf8')) as {
      chaos: Array<{ id: string; kind: string; action?: string; target?: string; outcome?: string }>;
      summary: { impact: Array<{ id: string; vusAffected: number }>; mismatchRate: { mismatches: number } };
      verdict: { failed: string[] };
    };
    expect(resultValidator()(result)).toBe(true);
    // Sessions held in the restarted backend's memory are lost: the default verdict says so.
    const lost = result.summary.mismatchRate.mismatches > 0;
    expect(code).toBe(lost ? 1 : 0);
    expect(result.verdict.failed).toEqual(lost ? ['mismatches==0'] : []);
    const action = result.chaos.find((entry) => entry.kind === 'action');
    expect(action).toMatchObject({ id: 'chaos-1', action: 'restart', target: container, outcome: 'done' });
    expect(result.summary.impact.map((impact) => impact.id)).toEqual(['chaos-1']);
    expect(result.chaos.some((entry) => entry.kind === 'docker_event')).toBe(true);
    expect(stdout).toMatch(new RegExp(`^\\s*\\+1(\\.\\d+)?s\\s+restart\\s+${container}\\s+done\\s`, 'm'));
  });
});
