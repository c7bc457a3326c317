import { describe, expect, it } from 'vitest';
import { parsePick, pickNeeds, pickTargets } from '../../src/chaos/pick.js';
import { seededRandom } from '../../src/util/random.js';

const containers = ['c', 'a', 'e', 'b', 'd'].map((name) => ({ name }));
const names = (list: Array<{ name: string }>) => list.map((c) => c.name);

describe('parsePick', () => {
  it('reads every form the schema allows', () => {
    expect(parsePick('one')).toEqual({ kind: 'one' });
    expect(parsePick('all')).toEqual({ kind: 'all' });
    expect(parsePick('rolling')).toEqual({ kind: 'rolling' });
    expect(parsePick('random 3')).toEqual({ kind: 'random', count: 3 });
    expect(pickNeeds(parsePick('random 3'))).toBe(3);
    expect(pickNeeds(parsePick('all'))).toBe(1);
  });
});

describe('pickTargets', () => {
  it('takes every container in name order for all and rolling', () => {
    expect(names(pickTargets({ kind: 'all' }, containers, seededRandom(1)))).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    expect(names(pickTargets({ kind: 'rolling' }, containers, seededRandom(1)))).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('draws one, reproducibly for a seed, and every container for some seed', () => {
    const one = (seed: number) => names(pickTargets({ kind: 'one' }, containers, seededRandom(seed)));
    expect(one(5)).toHaveLength(1);
    expect(one(5)).toEqual(one(5));
    const seen = new Set(Array.from({ length: 50 }, (_, seed) => one(seed)[0]));
    expect(seen.size).toBe(5);
  });

  it('draws N distinct containers, reproducibly, and does not depend on the input order', () => {
    const draw = (list: Array<{ name: string }>) =>
      names(pickTargets({ kind: 'random', count: 3 }, list, seededRandom(9)));
    const picked = draw(containers);
    expect(picked).toHaveLength(3);
    expect(new Set(picked).size).toBe(3);
    expect(draw([...containers].reverse())).toEqual(picked);
  });

  it('takes what there is when N exceeds the candidates (preflight refuses that case first)', () => {
    expect(pickTargets({ kind: 'random', count: 9 }, containers, seededRandom(1))).toHaveLength(5);
  });
});
