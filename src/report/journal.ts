import { type ActionRecord, type ChaosJournal, impactId } from '../chaos/journal.js';
import type { ChaosJournalEntry } from './result.js';

function execMessage(record: ActionRecord): string | undefined {
  const exec = record.exec;
  if (exec === undefined) return record.error ?? record.note;
  if (exec.spawnError !== undefined) return `could not start: ${exec.spawnError}`;
  const ended = exec.timedOut
    ? 'timed out'
    : exec.exitCode === undefined
      ? `killed by ${exec.signal ?? 'a signal'}`
      : `exit ${exec.exitCode}`;
  const stderr = exec.stderr.trim().split('\n')[0];
  return stderr === undefined || stderr === '' ? ended : `${ended}: ${stderr}`;
}

/** Times from the start of the traffic phase: the origin of the profile's `at` and of `--dry-run`. */
function actionEntry(record: ActionRecord, origin: number): ChaosJournalEntry {
  const message = execMessage(record);
  const outcome =
    record.recoveryTimedOut === true ? `${record.outcome ?? 'done'}, not back in time` : record.outcome;
  return {
    id: record.origin === 'planned' ? impactId(record) : `${record.origin}-${record.seq}`,
    kind: record.origin === 'planned' ? 'action' : record.origin,
    at: record.issuedMs - origin,
    action: record.action,
    target: record.target?.name ?? record.label,
    ...(record.driver === undefined ? {} : { driver: record.driver }),
    ...(record.doneMs === undefined ? {} : { doneAt: record.doneMs - origin }),
    ...(record.markerMs === undefined ? {} : { markerAt: record.markerMs - origin }),
    ...(record.recoveredMs === undefined ? {} : { backAt: record.recoveredMs - origin }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(message === undefined ? {} : { message }),
  };
}

/**
 * The chaos journal in the result file's terms: actions, the runtime's events and problems, in time order,
 * each time in ms from the start of the traffic phase (negative: before it).
 */
export function journalEntries(journal: ChaosJournal): ChaosJournalEntry[] {
  const origin = journal.trafficStartMs ?? 0;
  const actions = journal.actions.map((record) => actionEntry(record, origin));
  const events = journal.targetEvents.map(
    (event, index): ChaosJournalEntry => ({
      id: `${event.driver}-${index + 1}`,
      kind: `${event.driver}_event`,
      at: event.atMs - origin,
      action: event.action,
      target: event.targetName ?? event.targetId,
    }),
  );
  const problems = journal.problems.map(
    (problem, index): ChaosJournalEntry => ({
      id: `problem-${index + 1}`,
      kind: 'problem',
      at: problem.atMs - origin,
      message: problem.message,
    }),
  );
  return [...actions, ...events].sort((a, b) => a.at - b.at).concat(problems);
}
