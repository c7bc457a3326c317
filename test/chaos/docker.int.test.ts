import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/chaos/docker/driver.js';
import { resolveSelector } from '../../src/chaos/docker/targets.js';
import { createChaosJournal } from '../../src/chaos/journal.js';
import { createChaosRunner } from '../../src/chaos/runner.js';
import { createDockerClient } from '../../src/docker/client.js';
import { resolveDockerEndpoint } from '../../src/docker/endpoint.js';
import type { ContainerState, DockerClient } from '../../src/docker/types.js';
import { DockerApiError } from '../../src/errors.js';
import { freePort } from '../../src/lab/ports.js';
import { systemClock } from '../../src/util/clock.js';
import { retryUntil, systemSleep } from '../../src/util/retry.js';
import {
  ensureTestImages,
  freezeAction,
  removeContainers,
  runTestContainer,
  testLabel,
} from './helpers/containers.js';

/** The real engine on this machine: API 1.41 (Engine 20.10), containers on the host network only. */
const run = randomUUID().slice(0, 8);
const names = { b1: `sc-chaos-${run}-b1`, b10: `sc-chaos-${run}-b10`, healthy: `sc-chaos-${run}-hc` };
const ids: Record<keyof typeof names, string> = { b1: '', b10: '', healthy: '' };
let client: DockerClient;

beforeAll(async () => {
  await ensureTestImages();
  for (const key of Object.keys(names) as Array<keyof typeof names>) {
    ids[key] = await runTestContainer({
      name: names[key],
      port: await freePort(),
      labels: { [testLabel]: run, 'session-chaos.test-role': key === 'healthy' ? 'hc' : 'plain' },
      healthCheck: key === 'healthy',
    });
  }
  client = createDockerClient(resolveDockerEndpoint(process.env));
});

afterAll(async () => {
  await client?.close();
  await removeContainers(Object.values(ids).filter((id) => id !== ''));
});

const status = async (id: string): Promise<ContainerState['status']> => (await client.inspect(id)).status;
const waitFor = (id: string, check: (state: ContainerState) => boolean) =>
  retryUntil(
    async () => ((await client.inspect(id)).status && check(await client.inspect(id)) ? true : undefined),
    {
      clock: systemClock,
      sleep: systemSleep,
      timeoutMs: 20_000,
      intervalMs: 100,
    },
  );

describe('the Docker client on the real engine', () => {
  it('negotiates the engine API version', async () => {
    expect(await client.ping()).toEqual({ apiVersion: '1.41' });
  });

  it('lists by label and by exact name, not by Docker substring match', async () => {
    const byLabel = await client.listContainers({ label: `${testLabel}=${run}` });
    expect(byLabel.map((c) => c.name).sort()).toEqual(Object.values(names).sort());
    const exact = await resolveSelector(client, { name: names.b1 });
    expect(exact.map((c) => c.id)).toEqual([ids.b1]);
    const glob = await resolveSelector(client, { name: `sc-chaos-${run}-b*` });
    expect(glob.map((c) => c.name)).toEqual([names.b1, names.b10]);
    const byId = await resolveSelector(client, { id: ids.b10.slice(0, 12) });
    expect(byId.map((c) => c.name)).toEqual([names.b10]);
    const both = await resolveSelector(client, {
      label: 'session-chaos.test-role=hc',
      name: `sc-chaos-${run}-*`,
    });
    expect(both.map((c) => c.name)).toEqual([names.healthy]);
  });

  it('stops, starts, pauses, unpauses, kills and restarts, answering repeats as idempotent outcomes', async () => {
    const id = ids.b1;
    expect(await client.act(id, 'stop', { timeoutS: 2 })).toBe('done');
    expect(await status(id)).toBe('exited');
    expect(await client.act(id, 'stop')).toBe('already-stopped');
    expect(await client.act(id, 'kill')).toBe('not-running');
    expect(await client.act(id, 'pause')).toBe('not-running');
    expect(await client.act(id, 'start')).toBe('done');
    expect(await status(id)).toBe('running');
    expect(await client.act(id, 'start')).toBe('already-running');
    expect(await client.act(id, 'pause')).toBe('done');
    expect(await status(id)).toBe('paused');
    expect(await client.act(id, 'pause')).toBe('already-paused');
    expect(await client.act(id, 'unpause')).toBe('done');
    expect(await client.act(id, 'unpause')).toBe('not-paused');
    expect(await client.act(id, 'kill', { signal: 'SIGKILL' })).toBe('done');
    expect(await waitFor(id, (s) => s.status === 'exited')).toBe(true);
    expect(await client.act(id, 'restart', { timeoutS: 1 })).toBe('done');
    expect(await status(id)).toBe('running');
  });

  it('reports a missing container and a bad signal as typed errors with Docker message', async () => {
    const missing = await client.act('sc-chaos-no-such-container', 'restart').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DockerApiError);
    expect((missing as Error).message).toMatch(
      /^Docker restart on container sc-chaos-no-such-container failed with HTTP 404: No such container/,
    );
    const badSignal = await client.act(ids.b10, 'kill', { signal: 'SIGNOPE' }).catch((e: unknown) => e);
    expect(badSignal).toMatchObject({ status: expect.any(Number), container: ids.b10 });
    expect(await status(ids.b10)).toBe('running');
  });

  it('reads the health check: starting after a restart, healthy again later', async () => {
    expect(await waitFor(ids.healthy, (s) => s.health === 'healthy')).toBe(true);
    await client.act(ids.healthy, 'restart', { timeoutS: 1 });
    expect((await client.inspect(ids.healthy)).health).toBe('starting');
    expect(await waitFor(ids.healthy, (s) => s.health === 'healthy')).toBe(true);
  });
});

describe('the chaos runner on the real engine', () => {
  it('journals actions, recovery and Docker events for the targets on the run clock', async () => {
    const journal = createChaosJournal();
    const b1 = { id: ids.b1, name: names.b1 };
    const hc = { id: ids.healthy, name: names.healthy };
    const runStartedAt = systemClock.now() - 1_000;
    const runner = createChaosRunner({
      drivers: () => dockerDriver(client),
      clock: systemClock,
      runStartedAt,
      journal,
      actions: [
        freezeAction([b1]),
        {
          seq: 2,
          event: 1,
          label: 'bounce',
          occurrence: 1,
          atMs: 100,
          action: 'restart',
          driver: 'docker',
          targets: [hc],
          rolling: false,
          stopTimeoutMs: 1_000,
          waitTimeoutMs: 20_000,
        },
      ],
    });
    await runner.start();
    await runner.rollback();
    const [pause, restart, unpause] = journal.actions;
    expect(pause).toMatchObject({ action: 'pause', target: b1, outcome: 'done' });
    expect(restart).toMatchObject({ action: 'restart', target: hc, outcome: 'done' });
    expect(unpause).toMatchObject({ origin: 'undo', action: 'unpause', outcome: 'done' });
    // The run clock: the traffic phase started 1 s into the run.
    expect(pause?.issuedMs).toBeGreaterThanOrEqual(1_000);
    expect(pause?.recoveredMs).toBeGreaterThanOrEqual((pause?.issuedMs ?? 0) + 300);
    // healthy, not merely running: the health check takes at least a second after the restart.
    expect(restart?.recoveredMs).toBeGreaterThan((restart?.doneMs ?? 0) + 500);
    const seen = journal.targetEvents.map((e) => `${e.targetName} ${e.action}`);
    expect(seen).toEqual(
      expect.arrayContaining([`${names.b1} pause`, `${names.b1} unpause`, `${names.healthy} restart`]),
    );
    expect(seen).toContain(`${names.healthy} health_status: healthy`);
    const pauseEvent = journal.targetEvents.find((e) => e.action === 'pause');
    // Docker's time and ours agree within the request's own duration (same host, same clock).
    expect(pauseEvent?.atMs).toBeGreaterThanOrEqual((pause?.issuedMs ?? 0) - 50);
    expect(pauseEvent?.atMs).toBeLessThanOrEqual((pause?.doneMs ?? 0) + 50);
    expect(await status(ids.b1)).toBe('running');
  });
});
