import { counted } from '../../matrix/describe.js';
import type { EventImpact } from '../../metrics/summary.js';
import { formatCount, formatPercent } from '../../report/format.js';
import type { DemoClaim } from './claim.js';

function cost(impact: EventImpact, users: number): string {
  return (
    `${formatCount(impact.vusAffected)} of ${formatCount(users)} users their session ` +
    `(${counted(impact.mismatches, 'mismatch', 'mismatches')}, ${counted(impact.relogins, 're-login', 're-logins')}, ${counted(impact.errors, 'error', 'errors')})`
  );
}

/**
 * Servers added and removed while users are logged in: the profile's scale-out and scale-in, behind a
 * consistent source hash over memory sessions. The figure is each scale's impact: the users it cost their
 * session, against the 1/(N+1) a consistent hash moves to a new server.
 */
export const scalingClaim: DemoClaim = {
  profile: 'scaling.yaml',
  claim: 'in the cloud the number of servers changes dynamically (auto scaling)',
  slow: true,
  figure: ({ outcome, summary, backends }) => {
    const users = summary.vus.total;
    const impactOf = new Map(summary.impact.map((impact) => [impact.id, impact]));
    const clauses = (outcome.result?.chaos ?? []).flatMap((entry) => {
      const impact = impactOf.get(entry.id);
      if (entry.kind !== 'action' || impact === undefined) return [];
      if (entry.action === 'scale-out') {
        const share =
          backends === undefined
            ? ''
            : `; ${formatPercent(impact.vusAffected / users)} of them, against 1/(N+1) = ${formatPercent(1 / (backends + 1))} for ${backends} backends`;
        return [`the scale-out cost ${cost(impact, users)}${share}`];
      }
      if (entry.action === 'scale-in') return [`the scale-in cost ${cost(impact, users)}`];
      return [];
    });
    return clauses.length === 0 ? undefined : clauses.join('; ');
  },
};
