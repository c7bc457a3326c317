import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/util/did-you-mean.js';

describe('didYouMean', () => {
  const fields = ['users', 'duration', 'requests', 'thinkTime'];

  it('suggests the closest field for a typo, a swap of letters, or another case', () => {
    expect(didYouMean('usres', fields)).toBe('users');
    expect(didYouMean('duraton', fields)).toBe('duration');
    expect(didYouMean('thinktime', fields)).toBe('thinkTime');
  });

  it('suggests nothing when no field is close', () => {
    expect(didYouMean('colour', fields)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
