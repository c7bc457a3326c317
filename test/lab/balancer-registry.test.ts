import { describe, expect, it } from 'vitest';
import {
  balancerFamilies,
  balancerKinds,
  builtinStandIns,
  familyOf,
} from '../../src/lab/balancer/registry.js';

describe('the balancer registry', () => {
  it('gives every kind exactly one family', () => {
    for (const kind of balancerKinds) {
      expect(balancerFamilies.filter((family) => family.kinds.includes(kind))).toHaveLength(1);
      expect(familyOf(kind).kinds).toContain(kind);
    }
    expect(new Set(balancerKinds).size).toBe(balancerKinds.length);
  });

  it('names a program and its install hint for each family but the built-in one, which needs its bundle', () => {
    for (const family of balancerFamilies) {
      if (family.program === undefined) expect(family.bundles.length).toBeGreaterThan(0);
      else expect(family.program.installHint).toMatch(/apt-get install -y \S+/);
    }
    expect(familyOf('builtin-source').program).toBeUndefined();
  });

  it('has a built-in stand-in for every kind that needs a program', () => {
    for (const family of balancerFamilies) {
      for (const kind of family.kinds) {
        const standIn = builtinStandIns[kind];
        if (family.program === undefined) expect(standIn).toBeUndefined();
        else expect(standIn === undefined ? undefined : familyOf(standIn).program).toBeUndefined();
      }
    }
    expect(builtinStandIns['nginx-iphash']).toBe('builtin-source');
  });
});
