import { describe, expect, it } from 'vitest';
import { helpText, parseBenchArgs, sectionNames } from '../../bench/config.js';

describe('bench flags', () => {
  it('defaults to every section but the soak, with the documented figures', () => {
    const parsed = parseBenchArgs([]);
    if (!('config' in parsed)) throw new Error(JSON.stringify(parsed));
    expect([...parsed.config.sections]).toEqual(['throughput', 'alternating', 'rss', 'open', 'offline']);
    expect(parsed.config).toMatchObject({
      durationSeconds: 10,
      rounds: 3,
      connections: 50,
      rssUsers: [10_000, 100_000],
      sliceMs: 1000,
      turnRounds: 60,
      soakSeconds: 600,
      cpuProfile: false,
    });
  });

  it('reads each flag, rounding counts', () => {
    const parsed = parseBenchArgs([
      '--only',
      'soak,offline',
      '--rounds',
      '2.4',
      '--rss-users',
      '10,20',
      '--cpu-prof',
    ]);
    if (!('config' in parsed)) throw new Error(JSON.stringify(parsed));
    expect([...parsed.config.sections]).toEqual(['soak', 'offline']);
    expect(parsed.config).toMatchObject({ rounds: 2, rssUsers: [10, 20], cpuProfile: true });
  });

  it('names every bad flag at once', () => {
    expect(
      parseBenchArgs([
        '--duration',
        '0',
        '--slice-ms',
        '30000',
        '--only',
        'throughput,nope',
        '--rss-users',
        '5,',
      ]),
    ).toEqual({
      problems: [
        '--slice-ms: at most 20000, got 30000',
        '--only: no section nope (sections: throughput, alternating, open, soak, rss, offline)',
        '--duration: expected a positive number, got 0',
        '--rss-users: expected a positive number, got ',
      ],
    });
    expect(parseBenchArgs(['--no-such-flag'])).toMatchObject({
      problems: [expect.stringMatching(/no-such-flag/)],
    });
  });

  it('answers --help with a line per flag', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
    for (const flag of ['--duration', '--turns', '--only', '--cpu-prof']) expect(helpText()).toContain(flag);
    for (const section of sectionNames) expect(helpText()).toContain(section);
  });
});
