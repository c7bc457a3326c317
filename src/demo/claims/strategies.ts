import { matrixRow } from '../../matrix/table.js';
import { formatBytes, formatCount, formatNumber, formatPercent } from '../../report/format.js';
import type { DemoClaim } from './claim.js';

/** The seed's problem and its remedies with their prices, in the order its argument goes. */
export const strategyClaims: DemoClaim[] = [
  {
    profile: 'round-robin-memory.yaml',
    claim:
      'a valid login that first reaches A stores the session in A; when the next request is routed to B, B has no session data',
    figure: ({ summary, backends }) =>
      `${formatPercent(summary.mismatchRate.value)} of the requests missed the session` +
      (backends === undefined
        ? ''
        : `, against (N-1)/N = ${formatPercent((backends - 1) / backends)} for ${backends} backends`),
  },
  {
    profile: 'sticky-cookie.yaml',
    claim:
      'the server goes down: its pinned users lose their session and must log in again; load piles up on some servers',
    figure: ({ summary, backends }) =>
      `the restart sent ${formatCount(summary.relogins.usersAffected)} of ${formatCount(summary.vus.total)} users back to the login` +
      (backends === undefined ? '' : ` (1/N of them: ${formatNumber(summary.vus.total / backends, 1)})`) +
      `, and the load skew is ${formatNumber(summary.loadSkew)}`,
  },
  {
    profile: 'sticky-source-ip.yaml',
    claim: 'the balancer pins each user to one server, by cookie or client IP',
    figure: ({ summary }) =>
      `affinity ${formatNumber(summary.affinity)} and ${formatPercent(summary.mismatchRate.value)} mismatches, by client address alone`,
  },
  {
    profile: 'clustering.yaml',
    claim:
      'memory grows (every server holds every session); replication traffic; replication lag gives temporary session loss',
    figure: ({ outcome, summary }) => {
      const lag = `${formatCount(summary.mismatchRate.mismatches)} mismatches (${formatPercent(summary.mismatchRate.value)}) from the lag`;
      const stats = outcome.lab?.stats ?? [];
      if (stats.length === 0) return lag;
      const row = matrixRow(outcome);
      const users = summary.vus.total;
      // A login replaces the user's session; a peer that got the replacement before the original keeps both.
      const everyUser = stats.every((backend) => backend.sessions >= users)
        ? " (each backend every user's session, N times what a memory backend holds)"
        : '';
      return (
        `sessions held ${row['sessions held']} for ${formatCount(users)} users${everyUser}, ` +
        `${stats.map((backend) => formatBytes(backend.sessionBytes)).join('/')} of them per backend, ` +
        `${row.replication} of replication between the peers, ${lag}`
      );
    },
  },
  {
    profile: 'external-store-redis.yaml',
    claim: 'sessions in an external store fix the problems of both sticky sessions and clustering',
    figure: ({ summary }) =>
      `${formatCount(summary.mismatchRate.mismatches)} mismatches and ${formatCount(summary.relogins.total)} re-logins through a backend restart, with no stickiness (affinity ${formatNumber(summary.affinity)})`,
  },
  {
    profile: 'jwt.yaml',
    claim: 'restarting or losing a server does not log users out',
    figure: ({ outcome, summary, backends }) => {
      const errors = summary.impact.reduce((sum, impact) => sum + impact.errors, 0);
      const restarts = (outcome.result?.chaos ?? []).filter(
        (entry) => entry.kind === 'action' && entry.action === 'restart',
      );
      // A roll stops where the run ends or a backend is not back in time: only the steps that came back count.
      const back = restarts.filter((entry) => entry.outcome === 'done' && entry.backAt !== undefined).length;
      const of = backends ?? restarts.length;
      const roll =
        back === of
          ? `a rolling restart of every backend (${formatCount(back)} of ${formatCount(of)}, each back before the next)`
          : `a rolling restart that got only ${formatCount(back)} of ${formatCount(of)} backends restarted and back within the run`;
      return `${formatCount(summary.relogins.total)} re-logins and ${formatCount(summary.mismatchRate.mismatches)} mismatches through ${roll}; ${formatCount(errors)} requests failed while a backend was down`;
    },
  },
];
