import type { Summary } from '../metrics/summary.js';
import type { EngineFacts } from '../report/result.js';
import type { PartialRun, RunResult } from './run.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The run's shape in a few lines: users, phases, throughput, background pressure. */
export function formatRunSummary(result: RunResult): string {
  const { traffic } = result;
  const trafficMs = traffic.endedAt - traffic.startedAt;
  const rate = trafficMs > 0 ? (traffic.sent * 1000) / trafficMs : 0;
  const lines = [
    `users      ${result.loggedIn} of ${result.users} logged in (login phase ${seconds(result.login.endedAt - result.login.startedAt)})`,
    `traffic    ${traffic.sent} requests in ${seconds(trafficMs)} (${rate.toFixed(1)} req/s)` +
      (traffic.failedRelogins > 0 ? `, ${traffic.failedRelogins} failed re-login attempts` : '') +
      (traffic.lateArrivals > 0
        ? `; ${traffic.lateArrivals} arrivals were due but never sent (every user was busy)`
        : ''),
  ];
  const background = result.background;
  if (background !== undefined) {
    lines.push(
      `background ${background.responses} responses to ${background.path} in ${seconds(background.durationMs)} ` +
        `(${background.throughput.toFixed(1)} req/s, target ${background.targetRate}; ` +
        `${background.errors} errors, ${background.non2xx} non-2xx)`,
    );
  }
  if (result.interrupted) lines.push('interrupted: the run stopped early');
  return lines.join('\n');
}

/** The engine's facts for the result document (users, what could not be sent, background pressure). */
export function engineFacts(result: RunResult): EngineFacts {
  return {
    users: result.users,
    loggedIn: result.loggedIn,
    failedRelogins: result.traffic.failedRelogins,
    lateArrivals: result.traffic.lateArrivals,
    ...(result.background === undefined ? {} : { background: result.background }),
  };
}

/** What is known of the engine when the run threw: the users, how many logged in, the background pressure. */
export function partialEngineFacts(partial: PartialRun): EngineFacts {
  return {
    users: partial.users,
    ...(partial.loggedIn === undefined ? {} : { loggedIn: partial.loggedIn }),
    ...(partial.background === undefined ? {} : { background: partial.background }),
  };
}

function countsLine(title: string, counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${key}: ${n}`);
  return `${title.padEnd(10)} ${parts.length === 0 ? '-' : parts.join(', ')}`;
}

/** Plain counts the metrics table leaves out: logins by outcome, re-logins by cause, every status seen. */
export function formatRawCounts(summary: Summary): string {
  return [
    countsLine('logins', summary.counts.logins),
    countsLine('re-logins', summary.relogins.byCause),
    `${'responses'.padEnd(10)} ${summary.counts.total}`,
    countsLine('status', summary.counts.statuses ?? {}),
  ].join('\n');
}
