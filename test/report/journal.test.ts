import { describe, expect, it } from 'vitest';
import { createChaosJournal, impactId } from '../../src/chaos/journal.js';
import { journalEntries } from '../../src/report/journal.js';

describe('journalEntries', () => {
  it('maps actions, undo and rollback records, Docker events and problems, in time order', () => {
    const journal = createChaosJournal();
    journal.begin({
      seq: 1,
      label: 'restart app2',
      origin: 'planned',
      action: 'restart',
      target: { id: 'abc', name: 'lab-app2' },
      issuedMs: 4000,
      doneMs: 4420,
      recoveredMs: 4900,
      outcome: 'done',
    });
    journal.begin({
      seq: 2,
      label: 'notify',
      origin: 'planned',
      action: 'exec',
      issuedMs: 8000,
      doneMs: 8050,
      outcome: 'failed',
      exec: { exitCode: 3, timedOut: false, stdout: '', stderr: 'no route\nmore', truncated: false },
    });
    journal.begin({
      seq: 3,
      label: 'pause app1',
      origin: 'rollback',
      action: 'unpause',
      target: { id: 'def', name: 'lab-app1' },
      issuedMs: 9000,
      outcome: 'done',
      recoveryTimedOut: true,
    });
    journal.addTargetEvent({
      driver: 'docker',
      atMs: 4010,
      receivedMs: 4012,
      action: 'die',
      targetId: 'abc',
      targetName: 'lab-app2',
    });
    journal.problems.push({ atMs: 8500, message: 'docker event stream: socket hang up' });
    // The traffic phase started 1 s into the run: every time counts from there, as the profile's `at` does.
    journal.trafficStartMs = 1000;

    expect(journalEntries(journal)).toEqual([
      {
        id: 'chaos-1',
        kind: 'action',
        at: 3000,
        action: 'restart',
        target: 'lab-app2',
        doneAt: 3420,
        backAt: 3900,
        outcome: 'done',
      },
      { id: 'docker-1', kind: 'docker_event', at: 3010, action: 'die', target: 'lab-app2' },
      {
        id: 'chaos-2',
        kind: 'action',
        at: 7000,
        action: 'exec',
        target: 'notify',
        doneAt: 7050,
        outcome: 'failed',
        message: 'exit 3: no route',
      },
      {
        id: 'rollback-3',
        kind: 'rollback',
        at: 8000,
        action: 'unpause',
        target: 'lab-app1',
        outcome: 'done, not back in time',
      },
      { id: 'problem-1', kind: 'problem', at: 7500, message: 'docker event stream: socket hang up' },
    ]);
    expect(impactId({ seq: 1 })).toBe('chaos-1');
  });

  it('gives each step of a rolling action its own id, the one its impact is followed under', () => {
    const journal = createChaosJournal();
    for (const [step, name] of ['b1', 'b2'].entries()) {
      journal.begin({
        seq: 4,
        step: step + 1,
        label: 'roll',
        origin: 'planned',
        action: 'restart',
        target: { id: name, name },
        issuedMs: 1000 * (step + 1),
        outcome: 'done',
      });
    }
    expect(journalEntries(journal).map((entry) => [entry.id, entry.target])).toEqual([
      ['chaos-4.1', 'b1'],
      ['chaos-4.2', 'b2'],
    ]);
    expect(impactId({ seq: 4, step: 2 })).toBe('chaos-4.2');
  });
});
