import { deriveSeed, seededRandom } from '../util/random.js';

/** A bare draw function: the hot path calls it per request, so no method lookup. */
export type Random = () => number;

/** A stream per virtual user, derived from the run's seed, so a VU's choices do not depend on the others. */
export function vuRandom(seed: number, vu: number): Random {
  return seededRandom(deriveSeed(seed, vu)).next;
}
