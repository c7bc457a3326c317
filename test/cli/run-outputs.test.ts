import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testServer } from '../helpers/scripted-server.js';
import { writeSmallProfile } from '../helpers/small-profile.js';
import { testDir } from '../helpers/test-dir.js';
import { runCli } from './run-cli.js';

describe('session-chaos run: output paths are checked before any traffic', () => {
  it('exits 2 naming every output field that cannot be written, and sends no request', async () => {
    const server = await testServer({ password: 'pw' });
    const dir = testDir('session-chaos-outputs-');
    mkdirSync(join(dir, 'taken.xml'));
    const profile = writeSmallProfile(dir, server.url);
    const { code, stderr } = await runCli(
      [
        'run',
        '--profile',
        profile,
        '--quiet',
        '--html',
        join(dir, 'missing', 'r.html'),
        '--junit',
        join(dir, 'taken.xml'),
        '--json',
        join(dir, 'r.json'),
      ],
      { SESSION_CHAOS_TRACE: join(dir, 'r.json') },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`outputs.html: the directory ${join(dir, 'missing')} does not exist`);
    expect(stderr).toContain(`outputs.junit: ${join(dir, 'taken.xml')} is a directory`);
    expect(stderr).toContain(`outputs.trace: ${join(dir, 'r.json')} is also outputs.json`);
    expect(server.seen).toEqual([]);
  });

  it('writes the HTML report beside the others when asked', async () => {
    const server = await testServer({ password: 'pw' });
    const dir = testDir('session-chaos-outputs-');
    const profile = writeSmallProfile(dir, server.url);
    const html = join(dir, 'r.html');
    const { code } = await runCli(['run', '--profile', profile, '--quiet'], { SESSION_CHAOS_HTML: html });
    expect(code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('data-chart="pins"');
  });
});
