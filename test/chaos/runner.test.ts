import { describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/chaos/docker/driver.js';
import type { ActionOutcome, ChaosDriver } from '../../src/chaos/driver.js';
import { createChaosJournal } from '../../src/chaos/journal.js';
import { createLedger } from '../../src/chaos/ledger.js';
import { type ChaosRunnerOptions, createChaosRunner } from '../../src/chaos/runner.js';
import type { PlannedAction } from '../../src/chaos/schedule.js';
import { DockerApiError } from '../../src/errors.js';
import { testDir } from '../helpers/test-dir.js';
import { type FakeContainer, fakeDocker } from './helpers/fake-docker.js';
import { scalingDriver } from './helpers/scaling-driver.js';
import { virtualTime } from './helpers/virtual-time.js';

const b1 = { id: 'id-b1', name: 'b1' };
const b2 = { id: 'id-b2', name: 'b2' };
const b3 = { id: 'id-b3', name: 'b3' };

function planned(overrides: Partial<PlannedAction> & Pick<PlannedAction, 'action' | 'atMs'>): PlannedAction {
  return {
    seq: 1,
    event: 0,
    label: 'e',
    occurrence: 1,
    targets: [b1],
    driver: 'docker',
    rolling: false,
    waitTimeoutMs: 5_000,
    ...overrides,
  };
}

function setup(
  actions: PlannedAction[],
  containers: FakeContainer[] = [b1, b2, b3],
  more: Partial<ChaosRunnerOptions> = {},
) {
  const docker = fakeDocker(containers);
  const time = virtualTime();
  const { clock, sleep } = time;
  clock.set(1_000);
  const journal = createChaosJournal();
  // The run started 1 s before the traffic phase: journal times count from the run's start. The fake engine
  // publishes no events; the integration tests record real ones.
  const runner = createChaosRunner({
    drivers: () => dockerDriver(docker),
    clock,
    sleep,
    actions,
    journal,
    runStartedAt: 0,
    pollMs: 100,
    recordTargetEvents: false,
    ...more,
  });
  return { docker, time, journal, runner };
}

describe('createChaosRunner', () => {
  it('acts at the planned times and journals issued, done and recovered on the run clock', async () => {
    const { docker, journal, runner } = setup([
      planned({ seq: 1, action: 'restart', atMs: 2_000 }),
      planned({ seq: 2, action: 'kill', atMs: 3_000, targets: [b2], signal: 'SIGKILL', waitTimeoutMs: 500 }),
    ]);
    await runner.start();
    expect(docker.calls).toEqual(['restart id-b1', 'kill id-b2 SIGKILL']);
    expect(journal.actions).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'restart',
        target: b1,
        plannedMs: 3_000,
        issuedMs: 3_000,
        doneMs: 3_000,
        recoveredMs: 3_000,
        outcome: 'done',
      }),
      // Nothing restarts a killed container here: the wait for it ends at waitTimeout.
      expect.objectContaining({
        seq: 2,
        action: 'kill',
        plannedMs: 4_000,
        outcome: 'done',
        recoveryTimedOut: true,
      }),
    ]);
    expect(runner.pending().map((down) => down.target)).toEqual([b2]);
  });

  it('undoes a stop or a pause after `for`, and marks the target recovered then', async () => {
    const { docker, journal, runner } = setup([
      planned({ action: 'pause', atMs: 1_000, undoAfterMs: 2_000 }),
      planned({
        seq: 2,
        action: 'stop',
        atMs: 1_500,
        targets: [b2],
        undoAfterMs: 1_000,
        stopTimeoutMs: 1_000,
      }),
    ]);
    await runner.start();
    expect(docker.calls).toEqual(['pause id-b1', 'stop id-b2 t=1', 'start id-b2', 'unpause id-b1']);
    const [pause, stop, start, unpause] = journal.actions;
    expect(pause).toMatchObject({ origin: 'planned', issuedMs: 2_000, recoveredMs: 4_000 });
    expect(stop).toMatchObject({ origin: 'planned', issuedMs: 2_500, recoveredMs: 3_500 });
    expect(start).toMatchObject({ origin: 'undo', action: 'start', issuedMs: 3_500, outcome: 'done' });
    expect(unpause).toMatchObject({ origin: 'undo', action: 'unpause', issuedMs: 4_000, outcome: 'done' });
    expect(runner.pending()).toEqual([]);
    expect(docker.state('id-b1')).toBe('running');
  });

  it('waits for healthy when the target has a health check, polling at the interval', async () => {
    const { journal, runner } = setup(
      [planned({ action: 'restart', atMs: 0 })],
      [{ ...b1, healthyAfterInspects: 3 }],
    );
    await runner.start();
    expect(journal.actions[0]).toMatchObject({ issuedMs: 1_000, recoveredMs: 1_300 });
  });

  it('rolls one target at a time, each after the previous is back', async () => {
    const { docker, journal, runner } = setup(
      [planned({ action: 'restart', atMs: 0, rolling: true, targets: [b1, b2, b3] })],
      [b1, { ...b2, healthyAfterInspects: 5 }, b3],
    );
    await runner.start();
    expect(docker.calls).toEqual(['restart id-b1', 'restart id-b2', 'restart id-b3']);
    expect(journal.actions.map((a) => [a.target?.name, a.step, a.issuedMs, a.recoveredMs])).toEqual([
      ['b1', 1, 1_000, 1_000],
      ['b2', 2, 1_000, 1_500],
      ['b3', 3, 1_500, 1_500],
    ]);
  });

  it('halts a rolling action when a target is not back in time, journaling what it skipped', async () => {
    const { docker, journal, runner } = setup([
      planned({ action: 'restart', atMs: 0, rolling: true, targets: [b1, b2, b3], waitTimeoutMs: 1_000 }),
    ]);
    docker.broken.add('id-b2');
    await runner.start();
    expect(docker.calls).toEqual(['restart id-b1', 'restart id-b2']);
    expect(
      journal.actions.map((a) => [a.target?.name, a.step, a.outcome, a.recoveryTimedOut ?? false]),
    ).toEqual([
      ['b1', 1, 'done', false],
      ['b2', 2, 'done', true],
      ['b3', 3, 'skipped', false],
    ]);
    expect(journal.actions[2]?.error).toBe('b2 was not back within 1000ms');
  });

  it('journals idempotent answers as outcomes and does not take over containers it did not take down', async () => {
    const { journal, runner } = setup(
      [
        planned({ action: 'stop', atMs: 0, targets: [b1, b2] }),
        planned({ seq: 2, action: 'unpause', atMs: 10, targets: [b2] }),
      ],
      [b1, { ...b2, status: 'exited' }],
    );
    await runner.start();
    expect(journal.actions.map((a) => [a.action, a.target?.name, a.outcome])).toEqual([
      ['stop', 'b1', 'done'],
      ['stop', 'b2', 'already-stopped'],
      ['unpause', 'b2', 'not-paused'],
    ]);
    expect(runner.pending().map((down) => down.target)).toEqual([b1]);
  });

  it('journals a failed action and rejects start() with it once the rest is over', async () => {
    const faults: unknown[] = [];
    const { docker, journal } = setup([]);
    const { clock, sleep } = virtualTime();
    const runner = createChaosRunner({
      drivers: () => dockerDriver(docker),
      clock,
      sleep,
      journal,
      actions: [
        planned({ action: 'restart', atMs: 0 }),
        planned({ seq: 2, action: 'restart', atMs: 100, targets: [b2] }),
      ],
      onFault: (error) => faults.push(error),
    });
    docker.failNext('id-b1', 500);
    await expect(runner.start()).rejects.toThrow(DockerApiError);
    expect(faults).toHaveLength(1);
    expect(journal.actions.map((a) => [a.target?.name, a.outcome, a.error])).toEqual([
      ['b1', 'failed', 'Docker restart on container id-b1 failed with HTTP 500: injected failure'],
      ['b2', 'done', undefined],
    ]);
  });

  it('rolls back what it stopped, killed and paused when stopped mid-run, and only that', async () => {
    const { docker, journal, runner, time } = setup([
      planned({ action: 'pause', atMs: 0, undoAfterMs: 60_000 }),
      planned({ seq: 2, action: 'stop', atMs: 0, targets: [b2] }),
      planned({ seq: 3, action: 'kill', atMs: 0, targets: [b3], waitTimeoutMs: 60_000 }),
      planned({ seq: 4, action: 'restart', atMs: 30_000, targets: [b1] }),
    ]);
    time.freezeAt(10_000);
    const started = runner.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runner.pending().map((c) => c.target.name)).toEqual(['b1', 'b2', 'b3']);
    const records = await runner.rollback();
    await started;
    expect(records.map((r) => [r.action, r.target?.name, r.outcome, r.origin])).toEqual([
      ['unpause', 'b1', 'restored', 'rollback'],
      ['start', 'b2', 'restored', 'rollback'],
      ['start', 'b3', 'restored', 'rollback'],
    ]);
    expect(['id-b1', 'id-b2', 'id-b3'].map((id) => docker.state(id))).toEqual([
      'running',
      'running',
      'running',
    ]);
    // The restart planned after the stop never happened.
    expect(docker.calls).not.toContain('restart id-b1');
    expect(runner.pending()).toEqual([]);
    expect(await runner.rollback()).toBe(records);
    expect(journal.actions.filter((a) => a.origin === 'rollback')).toHaveLength(3);
  });

  it('runs exec actions with their output in the journal', async () => {
    const { journal, runner } = setup([
      planned({
        action: 'exec',
        atMs: 0,
        targets: [],
        command: [process.execPath, '-e', 'console.log("rolled")'],
        execTimeoutMs: 10_000,
      }),
    ]);
    await runner.start();
    expect(journal.actions[0]).toMatchObject({
      action: 'exec',
      outcome: 'done',
      exec: { exitCode: 0, stdout: 'rolled\n' },
    });
  });

  it('opens each impact at the issue and says when its effect was over: back, done, or the wait’s end', async () => {
    const opened: string[] = [];
    const over: Array<[string, number]> = [];
    const { journal, runner } = setup(
      [
        // all at once: over when the slower of the two is healthy
        planned({ seq: 1, action: 'restart', atMs: 0, targets: [b1, b2] }),
        // nothing brings it back: over when done
        planned({ seq: 2, action: 'stop', atMs: 1_000, targets: [b3], stopTimeoutMs: 1_000 }),
        // undone after `for`: over when back
        planned({ seq: 3, action: 'pause', atMs: 2_000, undoAfterMs: 1_500 }),
        // no restart policy: over when the wait for it gave up
        planned({ seq: 4, action: 'kill', atMs: 5_000, targets: [b2], waitTimeoutMs: 700 }),
      ],
      [b1, { ...b2, healthyAfterInspects: 4 }, b3],
      {
        onImpactStart: (record) => opened.push(`${record.seq}@${record.issuedMs}`),
        onImpactOver: (impact, atMs) => over.push([`${impact.seq}`, atMs]),
      },
    );
    await runner.start();
    expect(opened).toEqual(['1@1000', '1@1000', '2@2000', '3@3000', '4@6000']);
    const restartBacks = journal.actions.filter((a) => a.seq === 1).map((a) => a.recoveredMs ?? 0);
    expect(over).toEqual([
      ['1', Math.max(...restartBacks)],
      ['2', 2_000],
      ['3', 4_500],
      ['4', 6_700],
    ]);
    expect(Math.max(...restartBacks)).toBeGreaterThan(1_000);
  });

  it('an exec is over at its marker line, else at its exit', async () => {
    const over: Array<[number, number]> = [];
    const script = 'console.log("restarting"); console.log("session-chaos: done"); setTimeout(() => {}, 300)';
    const { journal, runner } = setup(
      [
        planned({ seq: 1, action: 'exec', atMs: 0, targets: [], command: [process.execPath, '-e', script] }),
        planned({
          seq: 2,
          action: 'exec',
          atMs: 0,
          targets: [],
          command: [process.execPath, '-e', 'console.log("ready!")'],
          marker: 'ready!',
        }),
        planned({ seq: 3, action: 'exec', atMs: 0, targets: [], command: [process.execPath, '-e', ''] }),
      ],
      undefined,
      { onImpactOver: (impact, atMs) => over.push([impact.seq, atMs]) },
    );
    await runner.start();
    const bySeq = (seq: number) => journal.actions.find((a) => a.seq === seq);
    expect(bySeq(1)?.markerMs).toBeDefined();
    expect(bySeq(2)?.markerMs).toBeDefined();
    expect(bySeq(3)?.markerMs).toBeUndefined();
    expect(new Map(over)).toEqual(
      new Map([
        [1, bySeq(1)?.markerMs],
        [2, bySeq(2)?.markerMs],
        [3, bySeq(3)?.doneMs],
      ]),
    );
  });

  it('stop() waits for an action under way to be over, its wait for back included', async () => {
    let finishRestart: () => void = () => undefined;
    let acting: () => void = () => undefined;
    const acted = new Promise<void>((resolve) => {
      acting = resolve;
    });
    const slow: ChaosDriver = {
      name: 'slow',
      noun: 'process',
      listHint: '',
      config: {},
      connect: async () => 'slow',
      resolve: async () => [b1],
      act: () =>
        new Promise<ActionOutcome>((resolve) => {
          acting();
          finishRestart = () => resolve('done');
        }),
      // Asking takes a moment, as a health check or a connect does.
      isBack: () => new Promise((resolve) => setTimeout(() => resolve(true), 20)),
      restore: async () => ({ outcome: 'already-fine', state: 'running' }),
      close: async () => undefined,
    };
    const over: number[] = [];
    const { journal, runner } = setup([planned({ action: 'restart', atMs: 0, driver: 'slow' })], [], {
      drivers: () => slow,
      onImpactOver: (_impact, atMs) => over.push(atMs),
    });
    const started = runner.start();
    await acted;
    const stopping = runner.stop();
    finishRestart();
    await stopping;
    // The summary is made right after stop(): the window must be closed by then, at the target's back.
    expect(journal.actions[0]?.recoveredMs).toBeDefined();
    expect(over).toEqual([journal.actions[0]?.recoveredMs]);
    await started;
  });
});

describe('createChaosRunner: scale-out and scale-in', () => {
  const scale = { out: ['grow'], in: ['shrink', '{target}'] };
  const step = (overrides: Partial<PlannedAction> & Pick<PlannedAction, 'action' | 'atMs'>) =>
    planned({ driver: 'fake', targets: [], scale, ...overrides });

  function scaling(actions: PlannedAction[], more: Partial<ChaosRunnerOptions> = {}, failIn?: string) {
    const fake = scalingDriver({ backAfterChecks: 2, ...(failIn === undefined ? {} : { failIn }) });
    const ledger = createLedger({ SESSION_CHAOS_STATE_DIR: testDir('sc-scale-ledger-') });
    const over: Array<[number, number]> = [];
    const { clock, sleep } = virtualTime();
    clock.set(1_000);
    const journal = createChaosJournal();
    const runner = createChaosRunner({
      drivers: () => fake.driver,
      clock,
      sleep,
      actions,
      journal,
      ledger,
      runStartedAt: 0,
      pollMs: 100,
      recordTargetEvents: false,
      onImpactOver: (impact, atMs) => over.push([impact.seq, atMs]),
      ...more,
    });
    return { ...fake, ledger, over, journal, runner };
  }

  it('journals the member each scale added or removed; a scale-out is over when its member answers', async () => {
    const { journal, runner, over, calls } = scaling([
      step({ seq: 1, action: 'scale-out', atMs: 1_000 }),
      step({ seq: 2, action: 'scale-in', atMs: 3_000, targets: [b2] }),
    ]);
    await runner.start();
    expect(calls).toEqual(['out grow', 'in b2']);
    expect(journal.actions.map((a) => [a.action, a.target?.name, a.outcome, a.issuedMs, a.doneMs])).toEqual([
      ['scale-out', 'b4', 'done', 2_000, 2_000],
      ['scale-in', 'b2', 'done', 4_000, 4_000],
    ]);
    // b4 answered at the third check, 100 ms apart; b2's removal is over when its command is done.
    expect(journal.actions[0]?.recoveredMs).toBe(2_200);
    expect(over).toEqual([
      [1, 2_200],
      [2, 4_000],
    ]);
  });

  it('a scale-out and a scale-in cancel: nothing is left for the rollback, and the ledger is closed', async () => {
    const { runner, ledger, calls } = scaling([
      step({ seq: 1, action: 'scale-out', atMs: 0 }),
      step({ seq: 2, action: 'scale-in', atMs: 1_000, targets: [b1] }),
    ]);
    await runner.start();
    expect(ledger.openEntries()).toEqual([]);
    expect(await runner.rollback()).toEqual([]);
    expect(calls).toEqual(['out grow', 'in b1']);
  });

  it('the rollback scales in what the run added, latest first, and scales out in place of what it removed', async () => {
    const grown = scaling([
      step({ seq: 1, action: 'scale-out', atMs: 0 }),
      step({ seq: 2, action: 'scale-out', atMs: 1_000 }),
    ]);
    await grown.runner.start();
    expect(grown.ledger.openEntries().map((e) => [e.action, e.target.name, e.undo, e.scale])).toEqual([
      ['scale-out', 'b4', 'scale-in', scale],
      ['scale-out', 'b5', 'scale-in', scale],
    ]);
    expect(grown.runner.pending().map((down) => down.target.name)).toEqual(['b5', 'b4']);
    const undone = await grown.runner.rollback();
    expect(undone.map((r) => [r.origin, r.action, r.target?.name, r.outcome, r.note])).toEqual([
      ['rollback', 'scale-in', 'b5', 'restored', 'scaled in b5, which the run added'],
      ['rollback', 'scale-in', 'b4', 'restored', 'scaled in b4, which the run added'],
    ]);
    expect(grown.members).toEqual(['b1', 'b2', 'b3']);
    expect(grown.ledger.openEntries()).toEqual([]);

    const shrunk = scaling([step({ seq: 1, action: 'scale-in', atMs: 0, targets: [b2] })]);
    await shrunk.runner.start();
    expect(shrunk.ledger.openEntries().map((e) => [e.action, e.target.name, e.undo])).toEqual([
      ['scale-in', 'b2', 'scale-out'],
    ]);
    const [replaced] = await shrunk.runner.rollback();
    expect(replaced).toMatchObject({
      action: 'scale-out',
      outcome: 'restored',
      target: { name: 'b4' },
      note: 'scaled out b4 in place of b2, which the run removed',
    });
    expect(shrunk.members).toEqual(['b1', 'b3', 'b4']);
    expect(shrunk.ledger.openEntries()).toEqual([]);
  });

  it('writes a scale-in to the ledger before its command runs', async () => {
    const { runner, ledger, driver } = scaling([
      step({ seq: 1, action: 'scale-in', atMs: 0, targets: [b3] }),
    ]);
    const seen: number[] = [];
    const scaleOf = driver.scale?.bind(driver);
    driver.scale = async (request) => {
      seen.push(ledger.openEntries().length);
      if (scaleOf === undefined) throw new Error('no scale');
      return scaleOf(request);
    };
    await runner.start();
    expect(seen).toEqual([1]);
  });

  it('scales one at a time, and a scale that fails is a fault, journalled and not undone', async () => {
    const faults: string[] = [];
    const { journal, runner, calls, ledger } = scaling(
      [
        step({ seq: 1, action: 'scale-in', atMs: 0, targets: [b1, b2] }),
        step({ seq: 2, action: 'scale-out', atMs: 0 }),
      ],
      { onFault: (error) => faults.push(String(error)) },
      'b2',
    );
    await expect(runner.start()).rejects.toThrow('cannot remove b2');
    // The scale-in of b1, b2 goes first and in turn; the scale-out waits for it, then runs.
    expect(calls).toEqual(['in b1', 'in b2', 'out grow']);
    expect(journal.actions.map((a) => [a.action, a.target?.name, a.outcome])).toEqual([
      ['scale-in', 'b1', 'done'],
      ['scale-in', 'b2', 'failed'],
      ['scale-out', 'b4', 'done'],
    ]);
    expect(faults).toEqual(['Error: cannot remove b2']);
    // b1's removal and b4's addition cancel; b2's failed removal is not the rollback's to undo.
    expect(ledger.openEntries()).toEqual([]);
    expect(await runner.rollback()).toEqual([]);
  });
});
