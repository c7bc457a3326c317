import { describe, expect, it } from 'vitest';
import { deriveSeed, seededRandom, shuffled } from '../../src/util/random.js';

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, seededRandom(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    for (const value of draw(7)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('draws integers below the bound, all of them over enough draws', () => {
    const random = seededRandom(1);
    const seen = new Set(Array.from({ length: 200 }, () => random.int(4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('deriveSeed', () => {
  it('gives each stream its own seed, stable for the same inputs', () => {
    expect(deriveSeed(7, 0)).toBe(deriveSeed(7, 0));
    expect(new Set([0, 1, 2, 3].map((stream) => deriveSeed(7, stream))).size).toBe(4);
  });
});

describe('shuffled', () => {
  it('permutes a copy, reproducibly', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const once = shuffled(items, seededRandom(3));
    expect(shuffled(items, seededRandom(3))).toEqual(once);
    expect([...once].sort()).toEqual(items);
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
