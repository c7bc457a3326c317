/** A seeded PRNG (mulberry32): one number of state, so each virtual user can own its own stream cheaply. */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stream per virtual user, derived from the run's seed, so a VU's choices do not depend on the others. */
export function vuRandom(seed: number, vu: number): Random {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(vu, 0xc2b2ae35));
}
