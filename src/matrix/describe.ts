import { formatCount, formatMs, formatNumber, formatPercent, formatRunTime } from '../report/format.js';
import type { ChaosJournalEntry } from '../report/result.js';
import type { ScenarioOutcome } from './scenario.js';

/** `1 error`, `2 errors`. */
export function counted(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** `restart of b2 at +1.4s`; a step a halted roll never took is said as skipped, not given a time. */
function actionText(entry: ChaosJournalEntry): string {
  const what = `${entry.action ?? entry.kind} of ${entry.target ?? 'a backend'}`;
  if (entry.outcome === 'skipped') return `${what} (skipped)`;
  const late = entry.outcome?.endsWith('not back in time') === true ? ' (not back in time)' : '';
  return `${what} at ${formatRunTime(entry.at)}${late}`;
}

function chaosClause(outcome: ScenarioOutcome): string {
  const result = outcome.result;
  if (result === undefined) return '';
  const actions = result.chaos.filter((entry) => entry.kind === 'action');
  if (actions.length === 0) return '';
  const impacts = result.summary.impact;
  const errors = impacts.reduce((sum, impact) => sum + impact.errors, 0);
  const mismatches = impacts.reduce((sum, impact) => sum + impact.mismatches, 0);
  // A user can be hit by several actions (the steps of a rolling restart), and the impacts count users per
  // action only, so a sum would count such a user twice: one action gives a total, several a count each.
  const affected =
    impacts.length === 1
      ? `${counted(impacts[0]?.vusAffected ?? 0, 'user', 'users')} affected`
      : `users affected by each: ${impacts.map((impact) => formatCount(impact.vusAffected)).join(', ')}`;
  const what = actions.map(actionText).join(', ');
  return `; after the ${what}: ${counted(mismatches, 'mismatch', 'mismatches')} and ${counted(errors, 'error', 'errors')}, ${affected}`;
}

/**
 * One sentence per scenario on what was measured, with the numbers: what a reader of the demo takes away
 * next to the table.
 */
function describeOutcome(outcome: ScenarioOutcome): string {
  const title = outcome.description ?? outcome.strategy;
  if (outcome.skipped !== undefined) return `${title}: not run, ${outcome.skipped}.`;
  const result = outcome.result;
  if (result === undefined) return `${title}: did not run (see Errors below).`;
  const { summary } = result;
  const { mismatchRate, relogins } = summary;
  const answered = Object.values(summary.backendShare).filter((share) => share.count > 0).length;
  const backends = outcome.lab === undefined ? `${answered}` : `${answered} of ${outcome.lab.backends}`;
  const reloginText =
    relogins.total === 0
      ? 'no one had to log in again'
      : `${formatCount(relogins.usersAffected)} of ${formatCount(summary.vus.total)} users logged in again (${formatCount(relogins.total)} re-logins)`;
  const verdict =
    result.verdict.status === 'passed'
      ? 'its thresholds passed'
      : result.verdict.status === 'thresholds_failed'
        ? `it failed ${result.verdict.failed.join(', ')}`
        : `it ended ${result.verdict.status}`;
  return (
    `${title}: ${formatCount(mismatchRate.mismatches)} of ${formatCount(mismatchRate.of)} requests were ` +
    `mismatches (${formatPercent(mismatchRate.value)}), affinity ${formatNumber(summary.affinity)}, ` +
    `load skew ${formatNumber(summary.loadSkew)} over ${backends} backends, ${reloginText}, ` +
    `p99 ${formatMs(summary.latency.count === 0 ? null : summary.latency.p99)}${chaosClause(outcome)}; ${verdict}.`
  );
}

/** What a caller adds to a scenario's sentence (the demo: the claim it checks and its figure), if anything. */
export type ClosingClause = (outcome: ScenarioOutcome) => string | undefined;

/** A scenario's sentence, with the caller's clause after it. */
export function closingSentence(outcome: ScenarioOutcome, closing?: ClosingClause): string {
  const clause = closing?.(outcome);
  return clause === undefined ? describeOutcome(outcome) : `${describeOutcome(outcome)} ${clause}`;
}

/** The table, then a sentence per scenario, then what the matrix changed or could not do. Pure. */
export function renderMatrixReport(
  outcomes: readonly ScenarioOutcome[],
  renderTable: (outcomes: readonly ScenarioOutcome[]) => string,
  closing?: ClosingClause,
): string {
  const lines = [renderTable(outcomes), 'What was measured:'];
  for (const outcome of outcomes) lines.push(`- ${closingSentence(outcome, closing)}`);
  const notes = outcomes.flatMap((outcome) => outcome.notes.map((note) => `- ${outcome.strategy}: ${note}`));
  if (notes.length > 0) lines.push('', 'Notes:', ...notes);
  const errors = outcomes.flatMap((outcome) =>
    outcome.error === undefined ? [] : [`- ${outcome.strategy}: ${outcome.error}`],
  );
  if (errors.length > 0) lines.push('', 'Errors:', ...errors);
  return `${lines.join('\n')}\n`;
}
