import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChaosFlags, chaosEventsFromFlags } from '../../src/chaos/flags.js';
import { ProfileError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { runCli } from '../cli/run-cli.js';
import { testDir } from '../helpers/test-dir.js';

const profileText = [
  'target: { url: "http://127.0.0.1:9" }',
  'auth: { credentials: { password: secret } }',
  'traffic: { duration: 30s }',
  'chaos: { events: [{ action: restart, at: 5s, target: { name: from-profile } }] }',
].join('\n');

describe('--chaos flags', () => {
  it('reads events written as YAML flow mappings, defaults filled in as in a profile', () => {
    const [event] = chaosEventsFromFlags([
      '{action: pause, at: 10s, for: 2s, target: {label: role=backend}, pick: random 2}',
    ]);
    expect(event).toMatchObject({
      action: 'pause',
      at: 10_000,
      for: 2_000,
      target: { label: 'role=backend' },
      pick: 'random 2',
      waitTimeout: 60_000,
    });
  });

  it('names every problem by flag position and field', () => {
    const error = (() => {
      try {
        chaosEventsFromFlags([
          '{action: restart, at: 10s, target: {name: x}}',
          '{action: explode, at: soon}',
          '{',
        ]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProfileError);
    const paths = (error as ProfileError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['--chaos[1].action', '--chaos[1].at', '--chaos[2]']));
    expect(paths.some((path) => path.startsWith('--chaos[0]'))).toBe(false);
  });

  it('replaces the profile events, or drops them with --no-chaos', () => {
    const plan = resolvePlan('p.yaml', profileText, { env: {} });
    expect(applyChaosFlags(plan, undefined)).toBe(plan);
    expect(applyChaosFlags(plan, false).profile.chaos.events).toEqual([]);
    const replaced = applyChaosFlags(plan, ['{action: kill, at: 1s, target: {name: other}}']);
    expect(replaced.profile.chaos.events.map((e) => e.target?.name)).toEqual(['other']);
    expect(plan.profile.chaos.events.map((e) => e.target?.name)).toEqual(['from-profile']);
  });

  it('run --dry-run shows the flag events instead of the profile ones', async () => {
    const path = join(testDir('sc-chaos-flags-'), 'p.yaml');
    writeFileSync(path, profileText);
    const { code, stdout } = await runCli(
      ['run', '-p', path, '--dry-run', '--chaos', '{action: stop, at: 7s, for: 1s, target: {name: web-1}}'],
      { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    );
    expect(stdout).toContain('+7s  stop  events[0] #1  (not resolved: name=web-1)  [start after 1s]');
    expect(stdout).not.toContain('from-profile');
    expect(code).toBe(3);
  });
});
