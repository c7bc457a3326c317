import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimalProfile, writeTempFile } from '../profile/fixtures.js';
import { runCli } from './run-cli.js';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('session-chaos CLI', () => {
  it('prints its version', async () => {
    expect(await runCli(['--version'])).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it.each([
    [[]],
    [['run']],
    [['validate']],
    [['lab']],
    [['lab', 'up']],
    [['lab', 'down']],
    [['lab', 'status']],
    [['report']],
    [['compare']],
    [['matrix']],
    [['demo']],
  ])('shows an example in the help of %j', async (command) => {
    const { code, stdout } = await runCli([...command, '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Examples?:\n\s+\$ .*session-chaos /);
  });

  it('exits 2 on an unknown option', async () => {
    const { code, stderr } = await runCli(['run', '--profile', 'p.yaml', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--bogus'");
  });

  it('validates every shipped profile with exit 0', async () => {
    const shipped = readdirSync('profiles')
      .filter((name) => /\.(ya?ml|json)$/.test(name))
      .map((name) => `profiles/${name}`);
    expect(shipped.length).toBeGreaterThan(0);
    const { code, stdout } = await runCli(['validate', ...shipped]);
    expect(stdout).toBe(shipped.map((path) => `ok      ${path}\n`).join(''));
    expect(code).toBe(0);
  });

  it('reports every invalid profile and exits 2', async () => {
    const bad = writeTempFile('bad.yaml', `${minimalProfile}traffic:\n  usres: 3\n`);
    const { code, stdout, stderr } = await runCli([
      'validate',
      'profiles/example.yaml',
      bad,
      '/missing.yaml',
    ]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `invalid ${bad}: 1 problem\n  traffic.usres: unknown field (did you mean "users"?)`,
    );
    expect(stdout).toContain('invalid /missing.yaml: no such file');
    expect(stderr).toBe('session-chaos: 2 of 3 profiles are invalid\n');
  });

  it('prints the resolved plan on --dry-run, flags over environment over profile, secrets redacted', async () => {
    const path = writeTempFile('p.yaml', minimalProfile.replace('password: secret', 'password: ${PW}'));
    const { code, stdout } = await runCli(
      ['run', '-p', path, '--dry-run', '--users', '7', '--duration', '3s'],
      {
        PW: 'canary-password-123',
        SESSION_CHAOS_USERS: '99',
        SESSION_CHAOS_SEED: '42',
      },
    );
    expect(code).toBe(0);
    const [json = '', thresholds = ''] = stdout.split(/^(?=thresholds)/m);
    const plan = JSON.parse(json) as { traffic: { users: number; duration: number; seed: number } };
    expect(plan.traffic).toMatchObject({ users: 7, duration: 3000, seed: 42 });
    // The default verdict is shown with the plan.
    expect(thresholds).toMatch(/^ {2}wrongUser==0 +\(default: /m);
    expect(thresholds).toMatch(/^ {2}mismatches==0 +\(default: /m);
    expect(thresholds).toMatch(/^ {2}errorRate\.outsideChaos<=1% +\(default: /m);
    expect(stdout).not.toContain('canary-password-123');
    expect(stdout).toContain('[redacted]');
  });

  it('drops the default thresholds from --dry-run with --no-default-thresholds', async () => {
    const path = writeTempFile('p.yaml', minimalProfile);
    const { code, stdout } = await runCli(['run', '-p', path, '--dry-run', '--no-default-thresholds']);
    expect(code).toBe(0);
    expect(stdout).toContain('thresholds: none');
    expect(stdout).not.toContain('(default: ');
  });

  it('exits 2 with one line for a profile error on run', async () => {
    const { code, stderr } = await runCli(['run', '-p', '/missing.yaml']);
    expect(code).toBe(2);
    expect(stderr).toBe('session-chaos: /missing.yaml: no such file\n');
  });
});
