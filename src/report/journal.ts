import { type ActionRecord, type ChaosJournal, impactId } from '../chaos/journal.js';
import type { ChaosJournalEntry } from './result.js';

function execMessage(record: ActionRecord): string | undefined {
  const exec = record.exec;
  if (exec === undefined) return record.error;
  if (exec.spawnError !== undefined) return `could not start: ${exec.spawnError}`;
  const ended = exec.timedOut
    ? 'timed out'
    : exec.exitCode === undefined
      ? `killed by ${exec.signal ?? 'a signal'}`
      : `exit ${exec.exitCode}`;
  const stderr = exec.stderr.trim().split('\n')[0];
  return stderr === undefined || stderr === '' ? ended : `${ended}: ${stderr}`;
}

function actionEntry(record: ActionRecord): ChaosJournalEntry {
  const message = execMessage(record);
  const outcome =
    record.recoveryTimedOut === true ? `${record.outcome ?? 'done'}, not back in time` : record.outcome;
  return {
    id: record.origin === 'planned' ? impactId(record) : `${record.origin}-${record.seq}`,
    kind: record.origin === 'planned' ? 'action' : record.origin,
    at: record.issuedMs,
    action: record.action,
    target: record.container?.name ?? record.label,
    ...(record.doneMs === undefined ? {} : { doneAt: record.doneMs }),
    ...(record.recoveredMs === undefined ? {} : { backAt: record.recoveredMs }),
    ...(outcome === undefined ? {} : { outcome }),
    ...(message === undefined ? {} : { message }),
  };
}

/** The chaos journal in the result file's terms: actions, Docker's events and problems, in time order. */
export function journalEntries(journal: ChaosJournal): ChaosJournalEntry[] {
  const actions = journal.actions.map(actionEntry);
  const events = journal.dockerEvents.map(
    (event, index): ChaosJournalEntry => ({
      id: `docker-${index + 1}`,
      kind: 'docker_event',
      at: event.atMs,
      action: event.action,
      target: event.containerName ?? event.containerId,
    }),
  );
  const problems = journal.problems.map(
    (message, index): ChaosJournalEntry => ({ id: `problem-${index + 1}`, kind: 'problem', at: 0, message }),
  );
  return [...actions, ...events].sort((a, b) => a.at - b.at).concat(problems);
}
