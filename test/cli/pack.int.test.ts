import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// What a user gets from the registry: the packed tarball, run with npx in a folder that has nothing else.
// npm test builds dist/ first; --ignore-scripts keeps pack from rebuilding it under other running suites.
describe('the packed package', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'session-chaos-pack-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  const pack = (): string => {
    const output = execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir],
      { encoding: 'utf8' },
    );
    const [info] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (info === undefined) throw new Error('npm pack printed no package');
    packedFiles = info.files.map((file) => file.path);
    return join(workDir, info.filename);
  };
  let packedFiles: string[] = [];
  const tarball = pack();

  it('ships only what a user needs', () => {
    expect(packedFiles).toContain('bin/session-chaos.js');
    expect(packedFiles).toContain('dist/cli/main.js');
    expect(packedFiles).toContain('schema/profile.schema.json');
    expect(packedFiles).toContain('profiles/example.yaml');
    expect(packedFiles.filter((file) => /^(src|test|scripts|\.ci)\//.test(file))).toEqual([]);
  });

  it('runs with npx in a folder that holds nothing but the tarball', () => {
    const userDir = mkdtempSync(join(workDir, 'user-'));
    copyFileSync(tarball, join(userDir, basename(tarball)));
    expect(readdirSync(userDir)).toEqual([basename(tarball)]);
    // The ./ matters: npx reads it as a package spec, where a bare path would be run as a command.
    const help = execFileSync('npx', ['--yes', `./${basename(tarball)}`, '--help'], {
      cwd: userDir,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(help).toContain('Usage: session-chaos');
    expect(help).toContain('validate <profile...>');
  }, 180_000);
});
