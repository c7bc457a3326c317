import { type DemoClaim, perRequestMismatch } from './claim.js';

/** Two services behind a path-routing gateway; users log in at a, the mix goes to both. */
export const servicesClaim: DemoClaim = {
  profile: 'services.yaml',
  claim: 'a login at service A must also be known to B and C; sessions kept inside one service are not',
  figure: ({ summary }) => {
    const figures = perRequestMismatch(summary);
    return figures === undefined ? undefined : `mismatches per service ${figures}`;
  },
};
