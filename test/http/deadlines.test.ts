import { describe, expect, it } from 'vitest';
import { Deadlines, type Expiring } from '../../src/http/deadlines.js';
import { manualClock } from '../../src/util/clock.js';

function item(name: string, expired: string[]): Expiring {
  return { deadline: 0, expire: () => expired.push(name) };
}

describe('Deadlines', () => {
  it('expires each entry once its own timeout has passed, whatever the order of timeouts', () => {
    const clock = manualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    deadlines.add(item('a-1000', expired), 1000);
    clock.advance(100);
    deadlines.add(item('b-200', expired), 200);
    deadlines.add(item('c-1000', expired), 1000);
    clock.set(299);
    deadlines.tick();
    expect(expired).toEqual([]);
    clock.set(300);
    deadlines.tick();
    expect(expired).toEqual(['b-200']);
    clock.set(1050);
    deadlines.tick();
    expect(expired).toEqual(['b-200', 'a-1000']);
    clock.set(1100);
    deadlines.tick();
    expect(expired).toEqual(['b-200', 'a-1000', 'c-1000']);
    deadlines.tick();
    expect(expired).toHaveLength(3);
  });

  it('never expires an entry that was deleted', () => {
    const clock = manualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    const done = item('done', expired);
    deadlines.add(done, 100);
    deadlines.add(item('late', expired), 100);
    deadlines.delete(done, 100);
    clock.set(500);
    deadlines.tick();
    expect(expired).toEqual(['late']);
  });

  it('keeps the others waiting when one in the middle, the first or the last is deleted, even twice', () => {
    const clock = manualClock();
    const deadlines = new Deadlines(clock);
    const expired: string[] = [];
    const items = ['a', 'b', 'c', 'd', 'e'].map((name) => item(name, expired));
    for (const each of items) deadlines.add(each, 100);
    for (const at of [2, 0, 4, 2]) deadlines.delete(items[at] as Expiring, 100);
    deadlines.delete(items[1] as Expiring, 999);
    clock.set(100);
    deadlines.tick();
    expect(expired).toEqual(['b', 'd']);
  });

  it('fires by itself on the real timer', async () => {
    const deadlines = new Deadlines(undefined, 5);
    const fired = await new Promise<boolean>((resolve) => {
      deadlines.add({ deadline: 0, expire: () => resolve(true) }, 20);
    });
    expect(fired).toBe(true);
  });
});
