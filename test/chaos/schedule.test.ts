import { describe, expect, it } from 'vitest';
import { chaosTimingProblems, planChaos } from '../../src/chaos/schedule.js';
import type { ContainerSummary } from '../../src/docker/types.js';
import { chaosSchema } from '../../src/profile/schema/chaos.js';

const container = (name: string): ContainerSummary => ({
  id: `id-${name}`,
  name,
  image: 'backend',
  state: 'running',
  labels: { role: 'backend' },
});
const backends = ['b3', 'b1', 'b2'].map(container);

function plan(events: unknown[], options: { seed?: number; horizonMs?: number } = {}) {
  const chaos = chaosSchema.parse({ events });
  return planChaos({
    chaos,
    seed: options.seed ?? 7,
    horizonMs: 'horizonMs' in options ? options.horizonMs : 60_000,
    matches: new Map(chaos.events.map((_, index) => [index, backends])),
  });
}

describe('planChaos', () => {
  it('places an action at its time with the targets picked', () => {
    const [action, ...rest] = plan([{ action: 'restart', at: '10s', target: { label: 'role=backend' } }]);
    expect(rest).toEqual([]);
    expect(action).toMatchObject({
      seq: 1,
      label: 'events[0]',
      occurrence: 1,
      atMs: 10_000,
      action: 'restart',
      selector: 'label=role=backend',
      rolling: false,
      waitTimeoutMs: 60_000,
    });
    expect(action?.targets).toHaveLength(1);
  });

  it('orders a sequence of at events on one timeline', () => {
    const actions = plan([
      { name: 'resume', action: 'unpause', at: '20s', target: { name: 'b1' }, pick: 'all' },
      { name: 'freeze', action: 'pause', at: '5s', target: { name: 'b1' }, pick: 'all' },
      { name: 'bounce', action: 'restart', at: '12s', target: { name: 'b2' } },
    ]);
    expect(actions.map((a) => [a.seq, a.label, a.atMs])).toEqual([
      [1, 'freeze', 5_000],
      [2, 'bounce', 12_000],
      [3, 'resume', 20_000],
    ]);
  });

  it('repeats every interval within the traffic phase, first after one interval', () => {
    const times = plan([{ action: 'kill', every: '10s', target: { label: 'role' } }], {
      horizonMs: 35_000,
    }).map((a) => a.atMs);
    expect(times).toEqual([10_000, 20_000, 30_000]);
  });

  it('starts at `at` and stops after `times`', () => {
    const actions = plan([{ action: 'restart', at: '1s', every: '5s', times: 2, target: { label: 'role' } }]);
    expect(actions.map((a) => [a.atMs, a.occurrence])).toEqual([
      [1_000, 1],
      [6_000, 2],
    ]);
  });

  it('jitters each occurrence by a seeded delay below the jitter, the same for the same seed', () => {
    const events = [{ action: 'restart', every: '10s', jitter: '2s', target: { label: 'role' } }];
    const times = plan(events, { seed: 3 }).map((a) => a.atMs);
    expect(times).toHaveLength(5);
    times.forEach((at, k) => {
      expect(at).toBeGreaterThanOrEqual((k + 1) * 10_000);
      expect(at).toBeLessThanOrEqual((k + 1) * 10_000 + 2_000);
    });
    expect(plan(events, { seed: 3 }).map((a) => a.atMs)).toEqual(times);
    expect(plan(events, { seed: 4 }).map((a) => a.atMs)).not.toEqual(times);
  });

  it('picks anew at each occurrence and repeats the picks for a seed', () => {
    const events = [
      { action: 'restart', every: '1s', times: 12, target: { label: 'role' }, pick: 'random 2' },
    ];
    const picks = (seed: number) => plan(events, { seed }).map((a) => a.targets.map((t) => t.name).join('+'));
    expect(picks(11)).toEqual(picks(11));
    expect(new Set(picks(11)).size).toBeGreaterThan(1);
    for (const pick of picks(11)) expect(pick.split('+')).toHaveLength(2);
  });

  it('does not shift one event when another is added before it', () => {
    const second = { action: 'restart', every: '3s', jitter: '1s', target: { label: 'role' } };
    const alone = plan([{ action: 'exec', at: '1s', command: ['true'] }, second]).filter(
      (a) => a.event === 1,
    );
    const withMore = plan([{ action: 'exec', at: '2s', command: ['false'] }, second]).filter(
      (a) => a.event === 1,
    );
    expect(withMore.map((a) => [a.atMs, a.targets])).toEqual(alone.map((a) => [a.atMs, a.targets]));
  });

  it('plans rolling over every target in name order, with undo and waits', () => {
    const [action] = plan([
      {
        action: 'pause',
        at: '2s',
        target: { label: 'role' },
        pick: 'rolling',
        for: '3s',
        waitFor: 'healthy',
      },
    ]);
    expect(action?.rolling).toBe(true);
    expect(action?.targets.map((t) => t.name)).toEqual(['b1', 'b2', 'b3']);
    expect(action).toMatchObject({ undoAfterMs: 3_000, waitFor: 'healthy' });
  });

  it('carries kill signals, stop grace periods and exec commands', () => {
    const actions = plan([
      { action: 'kill', at: '1s', target: { name: 'b1' } },
      { action: 'stop', at: '2s', target: { name: 'b1' }, timeout: '3s' },
      { action: 'exec', at: '3s', command: ['kubectl', 'rollout', 'restart'], timeout: '20s' },
    ]);
    expect(actions[0]).toMatchObject({ signal: 'SIGKILL' });
    expect(actions[1]).toMatchObject({ stopTimeoutMs: 3_000 });
    expect(actions[2]).toMatchObject({
      targets: [],
      command: ['kubectl', 'rollout', 'restart'],
      execTimeoutMs: 20_000,
    });
  });

  it('plans a scale-out without targets and a scale-in with the one it picks, each with the scale commands', () => {
    const scale = { out: ['scale', 'out'], in: ['scale', 'in', '{target}'] };
    const actions = plan([
      { action: 'scale-out', at: '1s', every: '10s', times: 2, scale, timeout: '30s' },
      { action: 'scale-in', at: '5s', target: { label: 'role=backend' }, scale },
    ]);
    expect(actions.map((a) => [a.action, a.atMs, a.targets.length, a.execTimeoutMs])).toEqual([
      ['scale-out', 1_000, 0, 30_000],
      ['scale-in', 5_000, 1, 60_000],
      ['scale-out', 11_000, 0, 30_000],
    ]);
    expect(actions.every((a) => a.scale === scale || JSON.stringify(a.scale) === JSON.stringify(scale))).toBe(
      true,
    );
    expect(actions[0]?.stopTimeoutMs).toBeUndefined();
  });

  it('plans without targets for events whose selector was not resolved', () => {
    const chaos = chaosSchema.parse({ events: [{ action: 'restart', at: '1s', target: { name: 'b1' } }] });
    const [action] = planChaos({ chaos, seed: 1, horizonMs: 10_000, matches: new Map() });
    expect(action?.targets).toEqual([]);
  });
});

describe('chaosTimingProblems', () => {
  const chaos = (events: unknown[]) => chaosSchema.parse({ events });

  it('names an event that would fire after the traffic phase', () => {
    expect(
      chaosTimingProblems(chaos([{ action: 'restart', at: '40s', target: { name: 'x' } }]), 30_000),
    ).toEqual([
      { path: 'chaos.events[0].at', message: '40000ms is not before the end of the traffic phase (30000ms)' },
    ]);
  });

  it('asks for times when every has no end', () => {
    expect(
      chaosTimingProblems(chaos([{ action: 'restart', every: '5s', target: { name: 'x' } }]), undefined),
    ).toEqual([
      { path: 'chaos.events[0].times', message: 'required with every when traffic.duration is unset' },
    ]);
  });
});

describe('chaos schema', () => {
  const problems = (event: unknown) => {
    const result = chaosSchema.safeParse({ events: [event] });
    return result.success
      ? []
      : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('refuses fields that do not belong to the action', () => {
    expect(
      problems({ action: 'restart', at: '1s', target: { name: 'x' }, for: '2s', signal: 'SIGTERM' }),
    ).toEqual([
      'events.0.for: only used when action is stop or pause',
      'events.0.signal: only used when action is kill',
    ]);
    expect(problems({ action: 'restart', at: '1s', jitter: '1s', target: { name: 'x' } })).toEqual([
      'events.0.jitter: only used with every',
    ]);
  });

  it('refuses a rolling stop that never brings targets back', () => {
    expect(problems({ action: 'stop', at: '1s', target: { name: 'x' }, pick: 'rolling' })).toEqual([
      'events.0.pick: rolling waits for each target to be back, so stop needs for',
    ]);
  });

  it('refuses a pick it cannot read', () => {
    expect(problems({ action: 'restart', at: '1s', target: { name: 'x' }, pick: 'random 0' })).toEqual([
      'events.0.pick: expected one, all, rolling or "random N"',
    ]);
  });

  it('names what a scale event takes: scale-out no target and no pick, scale-in its target', () => {
    const scale = { out: ['s', 'out'], in: ['s', 'in', '{target}'] };
    expect(problems({ action: 'scale-out', at: '1s', scale })).toEqual([]);
    expect(
      problems({ action: 'scale-out', at: '1s', target: { name: 'b1' }, pick: 'all', signal: 'SIGTERM' }),
    ).toEqual([
      'events.0.target: not used when action is scale-out (it adds the member its scale command names)',
      'events.0.pick: not used when action is scale-out',
      'events.0.signal: only used when action is kill',
    ]);
    expect(problems({ action: 'scale-in', at: '1s', for: '2s' })).toEqual([
      'events.0.target: required when action is scale-in',
      'events.0.for: only used when action is stop or pause',
    ]);
    expect(problems({ action: 'restart', at: '1s', target: { name: 'b1' }, scale })).toEqual([
      'events.0.scale: only used when action is scale-out or scale-in',
    ]);
    expect(problems({ action: 'scale-in', at: '1s', target: { name: 'b1' }, scale: { out: ['s'] } })).toEqual(
      ['events.0.scale.in: Invalid input: expected array, received undefined'],
    );
  });
});
