import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/chaos/journal.js';
import { findLedgers } from '../../src/chaos/ledger.js';
import type { BalancerKind } from '../../src/lab/balancer/registry.js';
import { cliPath } from '../../src/lab/paths.js';
import { readLabState } from '../../src/lab/state.js';
import { labStatus } from '../../src/lab/status.js';
import { bindPlanToLab } from '../../src/matrix/lab-binding.js';
import { loadPlan } from '../../src/profile/load.js';
import { executeRun } from '../../src/run/run.js';
import { variant } from '../claims/helpers.js';
import { runCli } from '../cli/run-cli.js';
import { testDir } from '../helpers/test-dir.js';
import { labPerTest } from './helpers.js';

/** `b1 running`, `b2 removed`, ...: each backend the lab has had, as `lab status` says it is. */
async function backendStates(labId: string): Promise<string[]> {
  return (await labStatus(readLabState(labId))).backends.map((b) => `${b.name} ${b.state}`);
}

/**
 * Scaling as chaos actions a profile schedules: the lab binding gives each scale event the lab's own `lab
 * scale` as its commands, through the driver of the lab's runtime. One run per balancer family, the runtimes
 * across them: HAProxy with Docker backends, nginx and the built-in balancer with process backends. Each run
 * scales out (b4), scales b2 in (the two cancel: the group is back to three) and b1 in, so the rollback
 * scales one new backend out (b5) to put the group back to its size.
 */
describe('scale-out and scale-in scheduled by a profile', () => {
  const startLab = labPerTest({ sessions: 'memory', users: 100 });

  const cases: [BalancerKind, 'docker' | 'process'][] = [
    ['haproxy-source', 'docker'],
    ['nginx-cookie-hash', 'process'],
    ['builtin-source', 'process'],
  ];
  for (const [balancer, runtime] of cases) {
    it(`${balancer}, ${runtime} backends`, async () => {
      const lab = await startLab({ balancer, runtime });
      const path = variant('scaling.yaml', {
        traffic: { users: 24, duration: '14s' },
        thresholds: [],
        chaos: {
          impactWindow: '1s',
          events: [
            // Apart by more than a scale takes on a loaded machine (a few seconds each): scales run in turn.
            { name: 'out', action: 'scale-out', at: '1s' },
            { name: 'in-b2', action: 'scale-in', at: '6s', target: { name: 'b2' } },
            { name: 'in-b1', action: 'scale-in', at: '10s', target: { name: 'b1' } },
          ],
        },
        lab: { balancer },
      });
      const plan = bindPlanToLab(await loadPlan(path), lab).plan;
      // The run's clock starts a moment after this: a bound on the wall time of its actions.
      const before = Date.now();
      const result = await executeRun(plan);
      const actions = result.chaos?.journal.actions ?? [];
      const planned = actions.filter((action) => action.origin === 'planned');
      expect(planned.map((a) => [a.action, a.outcome, a.driver])).toEqual([
        ['scale-out', 'done', runtime],
        ['scale-in', 'done', runtime],
        ['scale-in', 'done', runtime],
      ]);
      const [out, inB2, inB1] = planned as [ActionRecord, ActionRecord, ActionRecord];
      const state = readLabState(lab.id);
      const byName = new Map(state.backends.map((b) => [b.name, b]));
      // How the driver names a backend: a container by its id, a process by its port.
      const idOf = (name: string): string => {
        const backend = byName.get(name);
        return backend?.container?.id ?? `port:${backend?.port}`;
      };
      expect([out, inB2, inB1].map((record) => record.target?.id)).toEqual(['b4', 'b2', 'b1'].map(idOf));
      // The scale-out's effect is over when b4 answers; its impact window closes a second later.
      expect(out.recoveredMs).toBeGreaterThanOrEqual(out.doneMs ?? Number.NaN);
      expect(result.summary.impact.map((impact) => impact.id)).toEqual(['chaos-1', 'chaos-2', 'chaos-3']);

      // The rollback: the scale out and the first scale in cancel; the second is made up for by b5.
      const rollback = actions.filter((action) => action.origin === 'rollback');
      expect(rollback.map((a) => [a.action, a.outcome])).toEqual([['scale-out', 'restored']]);
      expect(rollback[0]?.target?.id).toBe(idOf('b5'));
      expect(await backendStates(lab.id)).toEqual([
        'b1 removed',
        'b2 removed',
        'b3 running',
        'b4 running',
        'b5 running',
      ]);

      // Ground truth: b4 served users, from its scale-out on.
      const outAt = before + out.issuedMs;
      const truth = await lab.readGroundTruth();
      const onB4 = truth.filter((line) => line.backend === 'b4' && line.vuId !== null);
      expect(onB4.length).toBeGreaterThan(0);
      expect(Math.min(...onB4.map((line) => Date.parse(line.time)))).toBeGreaterThanOrEqual(outAt);
      expect(result.summary.counts.classes.wrong_user).toBe(0);
    }, 150_000);
  }
});

/** Polls until `check` holds, for at most `ms`. */
async function eventually(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await sleep(100);
  }
}

describe('a run killed after it scaled', () => {
  const startLab = labPerTest({ sessions: 'memory', users: 100 });

  it('leaves its scale-outs in the ledger, and recover scales each member in again', async () => {
    const lab = await startLab({ balancer: 'builtin-roundrobin', runtime: 'process' });
    const env = { SESSION_CHAOS_STATE_DIR: testDir('sc-scale-ledger-') };
    // A profile as one for a real deployment gives it: the process driver and the commands that scale.
    const path = variant('scaling.yaml', {
      target: { url: lab.url },
      traffic: { users: 4, duration: '60s', sourceAddresses: undefined },
      thresholds: [],
      chaos: {
        driver: 'process',
        events: [
          { action: 'scale-out', at: '200ms', scale: lab.scaleCommands },
          { action: 'scale-out', at: '300ms', scale: lab.scaleCommands },
        ],
      },
      lab: undefined,
    });
    const run = spawn(process.execPath, [cliPath, 'run', '-p', path], {
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    const openScales = (): number =>
      findLedgers(env).found.flatMap((ledger) => ledger.file.entries.filter((e) => e.state === 'open'))
        .length;
    try {
      await eventually(() => openScales() === 2, 60_000);
    } finally {
      run.kill('SIGKILL');
    }
    await new Promise((resolve) => run.once('exit', resolve));
    expect(await backendStates(lab.id)).toEqual([
      'b1 running',
      'b2 running',
      'b3 running',
      'b4 running',
      'b5 running',
    ]);

    const recovered = await runCli(['recover'], env);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(
      /restored 127\.0\.0\.1:\d+ \(process\), left by scale-out at .*: scale-in/,
    );
    expect(await backendStates(lab.id)).toEqual([
      'b1 running',
      'b2 running',
      'b3 running',
      'b4 removed',
      'b5 removed',
    ]);
    expect(openScales()).toBe(0);
  }, 150_000);
});
