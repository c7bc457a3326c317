import type { DemoClaim } from './claim.js';
import { scalingClaim } from './scaling.js';
import { servicesClaim } from './services.js';
import { storeFailoverClaim } from './store-failover.js';
import { strategyClaims } from './strategies.js';

export { claimSentence, type DemoClaim } from './claim.js';

/**
 * Every scenario of the demo, in the order it runs: the seed's strategies, then the claims about each design's price. A
 * scenario of your own: a profile in profiles/, a DemoClaim in a module of its own here, its line below
 * (`slow: true` when it would push `demo` past two minutes: it then runs in `demo --all` only).
 */
export const demoClaims: readonly DemoClaim[] = [
  ...strategyClaims,
  storeFailoverClaim,
  servicesClaim,
  scalingClaim,
];
