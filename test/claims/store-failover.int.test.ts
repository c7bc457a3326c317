import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../src/lab/index.js';
import { parseFailovers, sentinelDownAfterMs } from '../../src/lab/redis-sentinel.js';
import type { GroundTruthLine } from '../../src/lab-contract/backend-records.js';
import { bindPlanToLab, chooseLab } from '../../src/matrix/lab-binding.js';
import type { EventImpact } from '../../src/metrics/summary.js';
import { loadPlan } from '../../src/profile/load.js';
import type { ChaosJournalEntry, RunResult } from '../../src/report/result.js';
import { runPipeline } from '../../src/run/pipeline.js';
import { CollectingSink } from '../helpers/engine-fixtures.js';
import { bundleBackend } from '../lab/helpers.js';
import { platform, variant } from './helpers.js';

/**
 * Seed claim on storage separation: "the store is a single point of failure; making it highly available still
 * loses sessions temporarily, through replication lag". Measured on the lab's redis-sentinel store (a primary,
 * a replica behind a link delayed by the replication lag, Sentinel) and on a plain Redis, each with chaos on
 * the store, and checked against the lab's own record: the backends' logs and Sentinel's.
 */

interface OnLab {
  result: RunResult;
  records: CollectingSink;
  truth: GroundTruthLine[];
  /** Sentinel's log, read before the lab is removed ('' without Sentinel). */
  sentinelLog: string;
  lab: Lab;
}

/** Runs a profile as the matrix does, but reads the lab's logs before the lab goes. */
async function runOnLab(path: string): Promise<OnLab> {
  const plan = await loadPlan(path);
  const hint = plan.profile.lab;
  if (hint === undefined) throw new Error(`${path} has no lab section`);
  const choice = chooseLab(hint, plan, platform('process'));
  if (choice.kind === 'skip') throw new Error(`the lab cannot start here: ${choice.reason}`);
  const lab = await startLab(choice.options);
  try {
    const records = new CollectingSink();
    const { document, fault } = await runPipeline(bindPlanToLab(plan, lab).plan, { sinks: [records] });
    if (fault !== undefined) throw fault;
    const logPath = lab.sentinelStore?.sentinel?.logPath;
    return {
      result: document,
      records,
      truth: await lab.readGroundTruth(),
      sentinelLog: logPath === undefined ? '' : readFileSync(logPath, 'utf8'),
      lab,
    };
  } finally {
    await lab.stop();
  }
}

/**
 * Epoch ms = run ms + offset. A backend logs a login before it answers, so each login's log time minus the
 * end of its record (run clock) is at most the offset, and the largest is the closest.
 */
function wallOffset(records: CollectingSink, truth: readonly GroundTruthLine[]): number {
  const logged = new Map(truth.map((line) => [line.requestId, Date.parse(line.time)]));
  let offset = Number.NEGATIVE_INFINITY;
  for (const login of records.logins) {
    const at = logged.get(login.requestId);
    if (at !== undefined) offset = Math.max(offset, at - login.end);
  }
  if (!Number.isFinite(offset)) throw new Error('no login of the run is in the backends logs');
  return offset;
}

function theAction(result: RunResult): { entry: ChaosJournalEntry; impact: EventImpact } {
  const entry = result.chaos.find((candidate) => candidate.kind === 'action');
  const impact = result.summary.impact[0];
  if (entry === undefined || impact === undefined) throw new Error('the run has no chaos action');
  expect(entry.outcome).toBe('done');
  return { entry, impact };
}

const users = 30;

describe('claim: the store is a single point of failure, and its failover loses what the lag held', () => {
  beforeAll(() => bundleBackend());

  it('redis-sentinel: every user fails until Sentinel promotes the replica; those who logged in within the lag log in again', async () => {
    const { result, records, truth, sentinelLog, lab } = await runOnLab(variant('store-failover.yaml'));
    const { summary } = result;
    const { entry, impact } = theAction(result);
    const lagMs = lab.sentinelStore?.replicationLagMs ?? 0;
    expect(lagMs).toBe(1000);
    const offset = wallOffset(records, truth);
    const trafficStart = summary.trafficStartedAt ?? 0;
    // The SIGKILL went out between the action's issue and its done (the driver finds the port's holder first).
    const killFrom = offset + trafficStart + entry.at;
    const killBy = offset + trafficStart + (entry.doneAt ?? entry.at);

    // (a) The single point of failure: every user failed while the store was down, on every backend.
    expect(impact.vusAffected).toBe(users);
    expect(impact.errors).toBeGreaterThan(0);
    expect(summary.counts.reasons.http_5xx).toBe(summary.counts.classes.error);

    // (b) Sentinel promoted the replica once, from the primary the lab started to the replica.
    const failovers = parseFailovers(sentinelLog);
    expect(failovers).toHaveLength(1);
    const failover = failovers[0];
    if (failover === undefined) throw new Error('no failover');
    expect(failover.from).toBe(lab.sentinelStore?.primary.port);
    expect(failover.to).toBe(lab.sentinelStore?.replica.port);
    const promotedAfter = failover.atMs - killBy;
    // Sentinel waits down-after-milliseconds for the primary before it acts; nobody is served before that.
    expect(promotedAfter).toBeGreaterThan(sentinelDownAfterMs);
    const firstServed = impact.recovery.min ?? 0;
    expect(firstServed).toBeGreaterThan(sentinelDownAfterMs);
    // Between the kill and the promotion no backend answered a /me from the store (only errors, or nothing).
    const during = truth.filter((line) => {
      const at = Date.parse(line.time);
      return line.path === '/me' && at > killBy + 50 && at < failover.atMs - 50;
    });
    expect(during.filter((line) => line.status !== 500)).toEqual([]);

    // (c) Lost to the lag: the users the backends refused a session after the failover (their logs), each
    // exactly the user the tool counted as a mismatch and a re-login.
    const refused = new Set(
      truth.filter((line) => line.path === '/me' && line.sessionFound === false).map((line) => line.vuId),
    );
    const mismatched = new Set(
      records.responses
        .filter(({ classification }) => classification.class === 'mismatch')
        .map(({ record }) => String(record.vu)),
    );
    const relogged = new Set(
      records.logins.filter((login) => login.cause !== 'initial').map((login) => String(login.vu)),
    );
    expect(refused.size).toBeGreaterThan(0);
    expect(mismatched).toEqual(refused);
    expect(relogged).toEqual(refused);
    expect(summary.relogins.usersAffected).toBe(refused.size);
    // Each user's session was written at its login (the backends' logs): the ones written within the lag of
    // the kill never reached the replica. Surely lost: written later than lag before the kill's latest moment
    // (less 50 ms: a login is logged a moment after its session is written); surely kept: written earlier
    // than the lag before its first moment, less 300 ms for a relay timer late under load.
    const initial = new Set(
      records.logins.filter((login) => login.cause === 'initial').map((login) => login.requestId),
    );
    const loggedIn = new Map(
      truth
        .filter((line) => line.requestId !== null && initial.has(line.requestId) && line.status === 200)
        .map((line) => [line.vuId, Date.parse(line.time)]),
    );
    expect(loggedIn.size).toBe(users);
    const surelyLost = [...loggedIn].filter(([, at]) => at > killBy - lagMs + 50).map(([vu]) => vu);
    const surelyKept = [...loggedIn].filter(([, at]) => at < killFrom - lagMs - 300).map(([vu]) => vu);
    expect(surelyLost.length).toBeGreaterThan(0);
    for (const vu of surelyLost) expect(refused).toContain(vu);
    for (const vu of surelyKept) expect(refused).not.toContain(vu);

    const lossWindow = [...refused].map((vu) => killBy - (loggedIn.get(vu) ?? 0));
    process.stdout.write(
      `store-failover (redis-sentinel, ${users} users, lag ${lagMs} ms): ${impact.errors} requests failed while the store was down, ` +
        `${impact.vusAffected} users hit; Sentinel promoted the replica ${(promotedAfter / 1000).toFixed(2)} s after the kill, ` +
        `the first user was served again after ${(firstServed / 1000).toFixed(2)} s (recovery first); ` +
        `${refused.size} sessions lost to the lag (backends' logs), ${mismatched.size} users counted as mismatches, ` +
        `${relogged.size} re-logged in; their logins ${Math.min(...lossWindow).toFixed(0)}-${Math.max(...lossWindow).toFixed(0)} ms before the kill; ` +
        `${surelyLost.length} surely lost, ${surelyKept.length} surely kept by the login times\n`,
    );
  });

  it('a plain Redis: every user fails while it is down, and every session goes with it', async () => {
    const path = variant('store-failover.yaml', {
      // Starting the store again (the lab's respawn command) takes seconds on a loaded machine.
      traffic: { duration: '16s', login: { rampUp: '0s' } },
      chaos: {
        events: [
          {
            name: 'stop-store',
            action: 'stop',
            at: '1s',
            for: '2s',
            timeout: '1s',
            target: { name: 'store' },
          },
        ],
      },
      thresholds: undefined,
      lab: { sessions: 'redis', replicationLag: undefined },
    });
    const { result, records, truth } = await runOnLab(path);
    const { summary } = result;
    const { entry, impact } = theAction(result);
    const offset = wallOffset(records, truth);
    const trafficStart = summary.trafficStartedAt ?? 0;
    const undo = result.chaos.find((candidate) => candidate.kind === 'undo');
    expect(undo?.outcome).toBe('done');
    const stoppedBy = offset + trafficStart + (entry.doneAt ?? entry.at);
    const backFrom = offset + trafficStart + (undo?.at ?? 0);
    const backBy = offset + trafficStart + (undo?.doneAt ?? 0);

    // Every user failed while the store was down, and no /me was answered from it in that time.
    expect(impact.vusAffected).toBe(users);
    expect(impact.errors).toBeGreaterThan(0);
    const during = truth.filter((line) => {
      const at = Date.parse(line.time);
      return line.path === '/me' && at > stoppedBy + 50 && at < backFrom;
    });
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((line) => line.status !== 500)).toEqual([]);
    // The Redis started again is empty (the lab's keeps nothing on disk): every session was lost, every user
    // logged in again.
    expect(summary.relogins.usersAffected).toBe(users);
    const refused = new Set(
      truth.filter((line) => line.path === '/me' && line.sessionFound === false).map((line) => line.vuId),
    );
    expect(refused.size).toBe(users);
    process.stdout.write(
      `store-failover (plain redis, ${users} users): ${impact.errors} requests failed while the store was down ` +
        `(${((backBy - stoppedBy) / 1000).toFixed(1)} s from the stop until a new, empty Redis answered), ` +
        `${impact.vusAffected} users hit; ${refused.size} sessions lost, ${summary.relogins.usersAffected} users re-logged in\n`,
    );
  });
});
