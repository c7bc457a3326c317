import { describe, expect, it } from 'vitest';
import { prepareChaosSession } from '../../src/chaos/session.js';
import { PreflightError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { systemClock } from '../../src/util/clock.js';
import { fakeDocker } from './helpers/fake-docker.js';

function planWith(events: unknown[]) {
  const text = JSON.stringify({
    target: { url: 'http://127.0.0.1:9' },
    auth: { credentials: { password: 'p' } },
    traffic: { duration: '10s' },
    chaos: { events, impactWindow: '3s' },
  });
  return resolvePlan('test.json', text, { env: {} });
}

const containers = () =>
  fakeDocker([
    { id: 'a1', name: 'web-1', labels: { app: 'web' } },
    { id: 'a2', name: 'web-2', labels: { app: 'web' } },
  ]);

describe('prepareChaosSession', () => {
  it('is nothing for a profile without chaos', async () => {
    expect(await prepareChaosSession(planWith([]), { clock: systemClock, runStartedAt: 0 })).toBeUndefined();
  });

  it('follows each planned action once, however many containers it touches, and restores at the end', async () => {
    const docker = containers();
    let closed = false;
    docker.close = async () => {
      closed = true;
    };
    const followed: Array<[number, number]> = [];
    const session = await prepareChaosSession(
      planWith([{ action: 'stop', at: '0s', target: { label: 'app=web' }, pick: 'all' }]),
      {
        clock: systemClock,
        runStartedAt: systemClock.now(),
        dockerClient: docker,
        followImpact: (seq, _at, windowMs) => followed.push([seq, windowMs]),
      },
    );
    session?.startTimeline();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(docker.state('a1')).toBe('exited');
    expect(docker.state('a2')).toBe('exited');
    expect(followed).toEqual([[1, 3_000]]);
    const outcome = await session?.finish();
    expect(outcome?.failure).toBeUndefined();
    expect(docker.state('a1')).toBe('running');
    expect(docker.state('a2')).toBe('running');
    expect(closed).toBe(true);
    expect(await session?.finish()).toBe(outcome);
  });

  it('reports a refused action as the failure, after restoring', async () => {
    const docker = containers();
    docker.failNext('a1', 500);
    const session = await prepareChaosSession(
      planWith([{ action: 'restart', at: '0s', target: { name: 'web-1' } }]),
      {
        clock: systemClock,
        runStartedAt: systemClock.now(),
        dockerClient: docker,
      },
    );
    session?.startTimeline();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await session?.finish())?.failure).toBe(
      'Docker restart on container a1 failed with HTTP 500: injected failure',
    );
  });

  it('closes the client when preflight fails', async () => {
    const docker = containers();
    let closed = false;
    docker.close = async () => {
      closed = true;
    };
    const preparing = prepareChaosSession(
      planWith([{ action: 'restart', at: '1s', target: { name: 'db' } }]),
      {
        clock: systemClock,
        runStartedAt: 0,
        dockerClient: docker,
      },
    );
    await expect(preparing).rejects.toThrow(PreflightError);
    expect(closed).toBe(true);
  });
});
