import { describe, expect, it } from 'vitest';
import type { ProfileError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { minimalProfile } from './fixtures.js';

const profileWithUsers = `${minimalProfile}traffic:\n  users: 20\n  duration: 1m\n`;

describe('precedence: defaults < profile < environment < flags', () => {
  it('uses the default when nothing sets a field', () => {
    expect(resolvePlan('p', minimalProfile, { env: {} }).profile.traffic.users).toBe(10);
  });

  it('lets the profile override the default', () => {
    expect(resolvePlan('p', profileWithUsers, { env: {} }).profile.traffic.users).toBe(20);
  });

  it('lets the environment override the profile', () => {
    const { profile } = resolvePlan('p', profileWithUsers, {
      env: { SESSION_CHAOS_USERS: '30', SESSION_CHAOS_DURATION: '5s' },
    });
    expect(profile.traffic.users).toBe(30);
    expect(profile.traffic.duration).toBe(5000);
  });

  it('counts an empty variable as unset, as a CI input left blank is passed', () => {
    const { profile } = resolvePlan('p', profileWithUsers, {
      env: { SESSION_CHAOS_USERS: '', SESSION_CHAOS_JSON: '' },
    });
    expect(profile.traffic.users).toBe(20);
    expect(profile.outputs.json).toBeUndefined();
  });

  it('lets flags override the environment', () => {
    const { profile } = resolvePlan('p', profileWithUsers, {
      env: { SESSION_CHAOS_USERS: '30' },
      flags: { users: '40' },
    });
    expect(profile.traffic.users).toBe(40);
  });

  it('overrides the target URL and output paths', () => {
    const { profile } = resolvePlan('p', minimalProfile, {
      env: { SESSION_CHAOS_JSON: 'env.json' },
      flags: { target: 'http://127.0.0.2:9000', trace: 'trace.jsonl' },
    });
    expect(profile.target.url).toBe('http://127.0.0.2:9000');
    expect(profile.outputs).toEqual({ json: 'env.json', trace: 'trace.jsonl' });
  });

  it('switches to the open model when a rate is given', () => {
    const { profile } = resolvePlan('p', minimalProfile, { env: {}, flags: { rate: '250' } });
    expect(profile.traffic).toMatchObject({ model: 'open', rate: 250 });
  });

  it('names the flag or variable behind an invalid value', () => {
    const problems = (() => {
      try {
        resolvePlan('p', minimalProfile, {
          env: { SESSION_CHAOS_DURATION: 'soon' },
          flags: { users: 'lots' },
        });
      } catch (error) {
        return (error as ProfileError).problems.map((p) => `${p.path}: ${p.message}`);
      }
      return [];
    })();
    expect(problems).toEqual([
      'traffic.users: expected number, received string (from --users)',
      'traffic.duration: expected a duration such as 500ms, 30s or 2m, got "soon" (from SESSION_CHAOS_DURATION)',
    ]);
  });
});
