import { describe, expect, it } from 'vitest';
import { RequestIds, vuOfRequestId } from '../../src/lab-contract/request-ids.js';

describe('request ids', () => {
  it('are unique within a run and name the run and the VU', () => {
    const ids = new RequestIds('5e1fc0de');
    const made = Array.from({ length: 40 }, (_, index) => ids.next(index % 3));
    expect(new Set(made).size).toBe(40);
    expect(made[0]).toBe('5e1fc0de-0-1');
    expect(made[37]).toBe('5e1fc0de-1-12');
    expect(made.every((id) => id.startsWith('5e1fc0de-'))).toBe(true);
  });

  it('give back the VU they carry, and null for ids of any other form', () => {
    const ids = new RequestIds();
    expect(vuOfRequestId(ids.next(25))).toBe('25');
    expect(vuOfRequestId('0f3a-7-zz')).toBe('7');
    for (const other of [null, undefined, '', 'c0ffee', '3f2c1e5a-9d0b-4c8e-a1f2-000000000000', 'a-b-c'])
      expect(vuOfRequestId(other)).toBeNull();
  });
});
