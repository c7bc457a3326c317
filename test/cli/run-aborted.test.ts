import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputFlags, reportFiles } from '../helpers/report-files.js';
import { resultValidator } from '../helpers/result-validator.js';
import { testServer } from '../helpers/scripted-server.js';
import { testDir } from '../helpers/test-dir.js';
import { runCli } from './run-cli.js';

describe('session-chaos run that aborts before it has a summary', () => {
  it('still writes the result (verdict aborted), the JUnit and the Markdown, and exits 4', async () => {
    // The probe login succeeds; every user's login after it is refused: "no virtual user logged in".
    const server = await testServer({ password: 'CANARY-pw-31', acceptLogins: 1 });
    const dir = testDir('session-chaos-aborted-');
    const profile = join(dir, 'p.yaml');
    writeFileSync(
      profile,
      [
        'name: nobody gets in',
        'target:',
        `  url: ${server.url}`,
        'auth:',
        '  credentials:',
        '    password: ${LAB_PASSWORD}',
        'traffic:',
        '  users: 3',
        '  requests: 30',
        'thresholds:',
        '  - mismatchRate<1%',
        '',
      ].join('\n'),
    );
    const files = reportFiles(dir);
    const { code, stdout, stderr } = await runCli(
      ['run', '--profile', profile, '--quiet', ...outputFlags(files)],
      { LAB_PASSWORD: 'CANARY-pw-31' },
    );

    expect(code).toBe(4);
    expect(stderr).toContain('session-chaos: no virtual user logged in (3 tried)');
    expect(stdout).toContain('ABORTED: no virtual user logged in (3 tried)');

    const text = readFileSync(files.json, 'utf8');
    const result = JSON.parse(text) as Record<string, unknown>;
    const validate = resultValidator();
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result).toMatchObject({
      source: profile,
      profile: { name: 'nobody gets in', auth: { credentials: { password: '[redacted]' } } },
      engine: { users: 3, loggedIn: 0 },
      summary: { counts: { total: 0, logins: { login_ok: 0, login_failed: 3, login_error: 0 } } },
      chaos: [],
      verdict: { status: 'aborted', exitCode: 4, message: 'no virtual user logged in (3 tried)' },
    });

    const junit = readFileSync(files.junit, 'utf8');
    expect(junit).toContain('<testcase classname="session-chaos.run" name="run"');
    expect(junit).toContain('<error message="aborted: no virtual user logged in (3 tried)" type="aborted"/>');
    expect(junit).toContain('errors="1"');
    expect(readFileSync(files.markdown, 'utf8')).toContain('ABORTED: no virtual user logged in (3 tried)');
    for (const output of [text, junit, stdout, stderr]) expect(output).not.toContain('CANARY-pw-31');
  });

  it('writes nothing for a preflight failure (exit 3): there was no run to report', async () => {
    const server = await testServer({ loginStatus: 401 });
    const dir = testDir('session-chaos-preflight-');
    const profile = join(dir, 'p.yaml');
    writeFileSync(
      profile,
      `target:\n  url: ${server.url}\nauth:\n  credentials:\n    password: secret\ntraffic:\n  users: 2\n  requests: 4\n`,
    );
    const json = join(dir, 'r.json');
    const { code } = await runCli(['run', '--profile', profile, '--quiet', '--json', json]);
    expect(code).toBe(3);
    expect(() => readFileSync(json)).toThrow(/ENOENT/);
  });
});
