import { formatDuration } from '../util/duration.js';
import { execDoneMarker } from './exec.js';
import type { PlannedAction } from './schedule.js';

const undoOf = { stop: 'start', pause: 'unpause' } as const;

function targetsText(action: PlannedAction): string {
  if (action.action === 'exec') return (action.command ?? []).join(' ');
  if (action.action === 'scale-out') {
    return `one member more: ${action.scale === undefined ? '(no scale commands)' : action.scale.out.join(' ')}`;
  }
  if (action.targets.length === 0) return `(not resolved: ${action.selector ?? 'no selector'})`;
  const names = action.targets.map((target) =>
    target.name.includes(target.id) ? target.name : `${target.name} (${target.id.slice(0, 12)})`,
  );
  return action.rolling ? `rolling: ${names.join(' -> ')}` : names.join(', ');
}

function notes(action: PlannedAction): string[] {
  const notes: string[] = [];
  if (action.signal !== undefined) notes.push(`signal ${action.signal}`);
  if (action.stopTimeoutMs !== undefined) notes.push(`grace ${formatDuration(action.stopTimeoutMs)}`);
  if (action.execTimeoutMs !== undefined) notes.push(`timeout ${formatDuration(action.execTimeoutMs)}`);
  if (action.undoAfterMs !== undefined && (action.action === 'stop' || action.action === 'pause')) {
    notes.push(`${undoOf[action.action]} after ${formatDuration(action.undoAfterMs)}`);
  }
  if (action.rolling) {
    notes.push(
      `waits for ${action.waitFor ?? 'healthy or running'} up to ${formatDuration(action.waitTimeoutMs)} each`,
    );
  }
  if (action.driver !== undefined && action.driver !== 'docker') notes.push(`${action.driver} driver`);
  if (action.action === 'exec') {
    notes.push(`done when it prints "${action.marker ?? execDoneMarker}" or exits`);
  }
  if (action.selector !== undefined && action.targets.length > 0) notes.push(`from ${action.selector}`);
  return notes;
}

/** The dry run's chaos section: one line per planned action, times from the start of the traffic phase. */
export function renderChaosPlan(actions: readonly PlannedAction[]): string {
  if (actions.length === 0) return 'chaos: no actions planned\n';
  const rows = actions.map((action) => ({
    at: `+${formatDuration(action.atMs)}`,
    what: action.action,
    event: `${action.label} #${action.occurrence}`,
    targets: targetsText(action),
    notes: notes(action).join('; '),
  }));
  const width = (key: keyof (typeof rows)[number]): number => Math.max(...rows.map((row) => row[key].length));
  const [at, what, event] = [width('at'), width('what'), width('event')];
  const lines = rows.map((row) =>
    [
      row.at.padStart(at),
      row.what.padEnd(what),
      row.event.padEnd(event),
      row.targets,
      row.notes ? `[${row.notes}]` : '',
    ]
      .join('  ')
      .trimEnd(),
  );
  const count = actions.length === 1 ? '1 action' : `${actions.length} actions`;
  return `chaos: ${count} planned, times from the start of the traffic phase\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}
