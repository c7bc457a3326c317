import { describe, expect, it } from 'vitest';
import { compileMix } from '../../src/traffic/mix.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { nextRandom, seededRandom } from '../../src/util/random.js';

const requests = [
  { method: 'GET' as const, path: '/me', weight: 9, headers: {}, public: false, name: 'profile' },
  { method: 'POST' as const, path: '/stats?x=1', weight: 1, headers: {}, public: false },
];

describe('compileMix', () => {
  it('draws by weight and labels entries by name or method and path', () => {
    const mix = compileMix(requests, 'http://127.0.0.1:8080/base');
    const random = seededRandom(3).next;
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const label = mix.pick(random()).label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    expect(counts.get('profile')).toBeGreaterThan(8800);
    expect(counts.get('POST /stats?x=1')).toBeGreaterThan(800);
    expect(mix.pick(0.95).endpoint).toEqual({
      origin: 'http://127.0.0.1:8080',
      path: '/stats?x=1',
      url: 'http://127.0.0.1:8080/stats?x=1',
    });
  });

  it('repeats the same draws for the same seed and user', () => {
    const mix = compileMix(requests, 'http://127.0.0.1');
    const draw = (seed: number, vu: number) => {
      const user = createVirtualUser(vu, { username: 'u', password: 'p' }, seed);
      return Array.from({ length: 50 }, () => mix.pick(nextRandom(user)).label).join();
    };
    expect(draw(7, 1)).toBe(draw(7, 1));
    expect(draw(7, 1)).not.toBe(draw(7, 2));
    expect(draw(7, 1)).not.toBe(draw(8, 1));
  });
});
