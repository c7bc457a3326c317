import { formatCount, formatMs } from '../../report/format.js';
import type { DemoClaim } from './claim.js';

/**
 * The store's failover: Redis with a replica behind a lagging link and Sentinel, the primary killed. The chaos
 * row's figures: users and requests hit while the store was down, the first user served again (the failover as
 * users saw it), and the re-logins of those whose sessions the lag held.
 */
export const storeFailoverClaim: DemoClaim = {
  profile: 'store-failover.yaml',
  claim:
    'the store is a single point of failure; making it highly available still loses sessions temporarily, through replication lag',
  figure: ({ summary }) => {
    const impact = summary.impact[0];
    if (impact === undefined) return undefined;
    const served =
      impact.recovery.min === undefined
        ? ''
        : `, the first of them served again ${formatMs(impact.recovery.min)} after the kill (the failover)`;
    return (
      `killing the primary failed ${formatCount(impact.vusAffected)} of ${formatCount(summary.vus.total)} users at once ` +
      `(${formatCount(impact.errors)} requests)${served}; ` +
      `${formatCount(summary.relogins.usersAffected)} users whose sessions were written within the replication lag before the kill logged in again`
    );
  },
};
