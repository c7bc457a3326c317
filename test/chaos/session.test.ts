import { describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/chaos/docker/driver.js';
import { createChaosJournal } from '../../src/chaos/journal.js';
import { type ChaosSessionOptions, prepareChaosSession } from '../../src/chaos/session.js';
import { PreflightError } from '../../src/errors.js';
import { MetricsAggregator } from '../../src/metrics/aggregator.js';
import { summarize } from '../../src/metrics/summarize.js';
import { resolvePlan } from '../../src/profile/load.js';
import { journalEntries } from '../../src/report/journal.js';
import { systemClock } from '../../src/util/clock.js';
import { type FakeDocker, fakeDocker } from './helpers/fake-docker.js';

function planWith(events: unknown[]) {
  const text = JSON.stringify({
    target: { url: 'http://127.0.0.1:9' },
    auth: { credentials: { password: 'p' } },
    traffic: { duration: '10s' },
    chaos: { events, impactWindow: '3s' },
  });
  return resolvePlan('test.json', text, { env: {} });
}

/** A session of `events` on the fake Docker, started now, without a ledger; `options` adds what a test watches. */
function sessionOn(docker: FakeDocker, events: unknown[], options: Partial<ChaosSessionOptions> = {}) {
  return prepareChaosSession(planWith(events), {
    clock: systemClock,
    runStartedAt: systemClock.now(),
    drivers: { docker: dockerDriver(docker) },
    ledger: false,
    ...options,
  });
}

const containers = () =>
  fakeDocker([
    { id: 'a1', name: 'web-1', labels: { app: 'web' } },
    { id: 'a2', name: 'web-2', labels: { app: 'web' } },
  ]);

describe('prepareChaosSession', () => {
  it('is nothing for a profile without chaos', async () => {
    expect(
      await prepareChaosSession(planWith([]), { clock: systemClock, runStartedAt: 0, ledger: false }),
    ).toBeUndefined();
  });

  it('follows each planned action once, however many containers it touches, and restores at the end', async () => {
    const docker = containers();
    let closed = false;
    docker.close = async () => {
      closed = true;
    };
    const followed: Array<[string, number]> = [];
    const session = await sessionOn(
      docker,
      [{ action: 'stop', at: '0s', target: { label: 'app=web' }, pick: 'all' }],
      {
        followImpact: (id, _at, windowMs) => {
          followed.push([id, windowMs]);
          return undefined;
        },
      },
    );
    session?.startTimeline();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(docker.state('a1')).toBe('exited');
    expect(docker.state('a2')).toBe('exited');
    expect(followed).toEqual([['chaos-1', 3_000]]);
    const outcome = await session?.finish();
    expect(outcome?.failure).toBeUndefined();
    expect(docker.state('a1')).toBe('running');
    expect(docker.state('a2')).toBe('running');
    expect(closed).toBe(true);
    expect(await session?.finish()).toBe(outcome);
  });

  it('follows each step of a rolling action from its own issue time to the next; the journal and the summary share the ids', async () => {
    const docker = fakeDocker([
      { id: 'a1', name: 'web-1', labels: { app: 'web' }, healthyAfterInspects: 3 },
      { id: 'a2', name: 'web-2', labels: { app: 'web' } },
    ]);
    const metrics = new MetricsAggregator({ vus: 1 });
    const followed: Array<{ id: string; at: number }> = [];
    const session = await sessionOn(
      docker,
      [{ action: 'restart', at: '0s', target: { label: 'app=web' }, pick: 'rolling' }],
      {
        followImpact: (id, at, windowMs) => {
          followed.push({ id, at });
          return metrics.trackEvent(id, at, windowMs);
        },
      },
    );
    session?.startTimeline();
    // finish() stops the timeline: let the roll reach its last container first.
    for (let wait = 0; wait < 100 && (session?.journal.actions.length ?? 0) < 2; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const outcome = await session?.finish();
    expect(outcome?.failure).toBeUndefined();
    const actions = journalEntries(outcome?.journal ?? createChaosJournal()).filter(
      (entry) => entry.kind === 'action',
    );
    expect(actions.map((entry) => [entry.id, entry.target])).toEqual([
      ['chaos-1.1', 'web-1'],
      ['chaos-1.2', 'web-2'],
    ]);
    expect(followed.map((event) => event.id)).toEqual(['chaos-1.1', 'chaos-1.2']);
    // Each step's window starts when its restart was sent; the journal shows that time from the traffic start.
    const trafficStart = outcome?.journal.trafficStartMs ?? 0;
    expect(followed.map((event) => event.at)).toEqual(actions.map((entry) => entry.at + trafficStart));
    // web-2 waited for web-1 to be healthy (two 100 ms polls): its window starts later.
    expect((followed[1]?.at ?? 0) - (followed[0]?.at ?? 0)).toBeGreaterThanOrEqual(150);
    const impact = summarize(metrics.aggregates()).impact;
    // A step's window ends when the next step is issued, so no record counts for two steps; the last gets it all.
    const [first, second] = followed;
    expect(impact.map((entry) => [entry.id, entry.at])).toEqual([
      [first?.id, first?.at],
      [second?.id, second?.at],
    ]);
    expect(impact[0]?.windowMs).toBeCloseTo((second?.at ?? 0) - (first?.at ?? 0), 6);
    // The last lasts the impact window from when its target was back (or the wait for it ended with the run).
    const last = actions[1];
    expect(impact[1]?.windowMs).toBeGreaterThanOrEqual((last?.doneAt ?? 0) - (last?.at ?? 0) + 3_000);
    if (last?.backAt !== undefined) {
      expect(impact[1]?.windowMs).toBeCloseTo(last.backAt - last.at + 3_000, 6);
    }
  });

  it('reports a refused action as the failure, after restoring', async () => {
    const docker = containers();
    docker.failNext('a1', 500);
    const session = await sessionOn(docker, [{ action: 'restart', at: '0s', target: { name: 'web-1' } }]);
    session?.startTimeline();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await session?.finish())?.failure).toBe(
      'Docker restart on container a1 failed with HTTP 500: injected failure',
    );
  });

  it('says each restore as it is: restored, already fine, or failed with Docker answer (a fault)', async () => {
    const docker = fakeDocker([
      { id: 'a1', name: 'web-1', labels: { app: 'web' } },
      { id: 'a2', name: 'web-2', labels: { app: 'web' } },
      { id: 'a3', name: 'web-3', labels: { app: 'web' } },
    ]);
    const lines: string[] = [];
    const session = await sessionOn(
      docker,
      [{ action: 'stop', at: '0s', target: { label: 'app=web' }, pick: 'all' }],
      { log: (line) => lines.push(line) },
    );
    session?.startTimeline();
    for (let wait = 0; wait < 100 && docker.state('a3') !== 'exited'; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Someone else started web-2 meanwhile; the engine refuses to start web-3.
    await docker.act('a2', 'start');
    docker.failNext('a3', 500);
    const outcome = await session?.finish();
    expect(lines.filter((line) => !line.startsWith('preflight') && !line.includes('planned'))).toEqual([
      'chaos: restored web-1 (start)',
      'chaos: web-2 was already fine (running)',
      'chaos: could not restore web-3 (start): Docker start on container a3 failed with HTTP 500: injected failure',
    ]);
    expect(outcome?.restoreFailures).toEqual([
      'web-3: Docker start on container a3 failed with HTTP 500: injected failure',
    ]);
    expect(outcome?.failure).toBe(
      'could not restore web-3: Docker start on container a3 failed with HTTP 500: injected failure',
    );
    expect(docker.state('a3')).toBe('exited');
  });

  it('closes the client when preflight fails', async () => {
    const docker = containers();
    let closed = false;
    docker.close = async () => {
      closed = true;
    };
    const preparing = sessionOn(docker, [{ action: 'restart', at: '1s', target: { name: 'db' } }]);
    await expect(preparing).rejects.toThrow(PreflightError);
    expect(closed).toBe(true);
  });
});
