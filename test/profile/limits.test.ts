import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../src/errors.js';
import { loadPlan, resolvePlan } from '../../src/profile/load.js';
import { limits } from '../../src/profile/schema/limits.js';
import { minimalProfile, problemsOf, writeTempFile } from './fixtures.js';

const seeReadme = '(see "Limits" in the README)';

describe('profile limits', () => {
  const cases: Array<[string, string, string]> = [
    ['a billion users', 'traffic:\n  users: 1000000000\n', `traffic.users: at most 100,000 ${seeReadme}`],
    [
      'an open-model rate beyond the timer',
      'traffic:\n  model: open\n  rate: 1000000\n',
      `traffic.rate: at most 100,000 ${seeReadme}`,
    ],
    [
      'a request count of days',
      'traffic:\n  requests: 1000000000\n',
      `traffic.requests: at most 100,000,000 ${seeReadme}`,
    ],
    [
      'a traffic phase longer than a day',
      'traffic:\n  duration: 25h\n',
      `traffic.duration: "25h" is too long: at most 24h ${seeReadme}`,
    ],
    [
      'a request timeout of two hours',
      'target:\n  url: http://127.0.0.1:8080\n  timeout: 2h\n',
      `target.timeout: "2h" is too long: at most 1h ${seeReadme}`,
    ],
    [
      'a mix of 1,001 requests',
      `traffic:\n  mix:\n${'    - path: /me\n'.repeat(1001)}`,
      `traffic.mix: at most 1,000 requests ${seeReadme}`,
    ],
    [
      'restart every millisecond for an hour',
      'traffic:\n  duration: 1h\nchaos:\n  events: [{action: restart, every: 1ms, target: {name: b1}}]\n',
      `chaos.events[0].every: plans 3,599,999 actions over the run; at most 10,000 actions ${seeReadme}: a longer every, or times`,
    ],
    [
      'every 0ms, which never ends',
      'traffic:\n  duration: 10s\nchaos:\n  events: [{action: restart, every: 0ms, target: {name: b1}}]\n',
      `chaos.events[0].every: plans endless actions over the run; at most 10,000 actions ${seeReadme}: a longer every, or times`,
    ],
    [
      'events that together plan too many actions',
      `traffic:\n  duration: 2h\nchaos:\n  events:\n${'    - {action: restart, every: 1s, target: {name: b1}}\n'.repeat(2)}`,
      `chaos.events: plan 14,398 actions over the run together; at most 10,000 actions ${seeReadme}`,
    ],
    [
      'bodies in flight beyond memory',
      'target:\n  url: http://127.0.0.1:8080\n  maxBodyBytes: 16777216\ntraffic:\n  users: 1000\n',
      `target.maxBodyBytes: times traffic.users is 16,000 MiB of bodies in flight; at most 8 GiB ${seeReadme}`,
    ],
  ];

  it.each(cases)('refuses %s, naming the field', (_name, extra, expected) => {
    const text = extra.startsWith('target:')
      ? minimalProfile.replace('target:\n  url: http://127.0.0.1:8080\n', extra)
      : `${minimalProfile}${extra}`;
    expect(problemsOf(text)).toEqual([expected]);
  });

  it('accepts every limit itself', () => {
    const text = `${minimalProfile}traffic:\n  users: ${limits.users}\n  duration: 24h\nchaos:\n  events: [{action: restart, every: 8640ms, target: {name: b1}}]\n`;
    const { profile } = resolvePlan('p.yaml', text, { env: {} });
    expect(profile.traffic.users).toBe(limits.users);
  });

  it('counts --chaos events against the run too', async () => {
    const { applyChaosFlags } = await import('../../src/chaos/flags.js');
    const plan = resolvePlan('p.yaml', `${minimalProfile}traffic:\n  duration: 1h\n`, { env: {} });
    expect(() => applyChaosFlags(plan, ['{action: restart, every: 1ms, target: {name: b1}}'])).toThrow(
      /--chaos\[0\]\.every: plans 3,599,999 actions/,
    );
  });
});

describe('profile file size', () => {
  it('refuses a 50 MB profile without parsing it', async () => {
    const path = writeTempFile('big.yaml', minimalProfile);
    writeFileSync(path, `${minimalProfile}# ${'x'.repeat(50 * 2 ** 20)}\n`);
    const before = process.memoryUsage().heapUsed;
    const error = await loadPlan(path, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).problems).toEqual([
      { path: '', message: `the profile is larger than 1 MiB ${seeReadme}` },
    ]);
    // Read up to the limit only: far less than the file, let alone a parse of it.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 2 ** 20);
  });

  it('refuses an endless file', async () => {
    await expect(loadPlan('/dev/zero', { env: {} })).rejects.toThrow(/larger than 1 MiB/);
  });
});

describe('YAML aliases', () => {
  it('refuses an alias bomb with the line and column of the first alias', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (const [previous, name] of [...'abcdef'].map((p, i) => [p, 'bcdefg'[i]])) {
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    expect(problemsOf(`${levels.join('\n')}\n${minimalProfile}`)).toEqual([
      `line 2, column 8: aliases expand the document beyond yaml's maxAliasCount (${limits.yamlAliases}); write the values out, or use fewer aliases`,
    ]);
  });

  it('refuses an alias with no anchor, at its line and column', () => {
    expect(problemsOf(minimalProfile.replace('password: secret', 'password: *nothere'))).toEqual([
      'line 6, column 15: alias *nothere has no anchor &nothere before it',
    ]);
  });

  it('still reads a profile that uses a few aliases', () => {
    const text = `${minimalProfile}traffic:\n  mix:\n    - &me { path: /me }\n    - *me\n`;
    expect(resolvePlan('p.yaml', text, { env: {} }).profile.traffic.mix).toHaveLength(2);
  });
});
