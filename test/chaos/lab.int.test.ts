import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { impactId } from '../../src/chaos/journal.js';
import { createDockerClient } from '../../src/docker/client.js';
import { resolveDockerEndpoint } from '../../src/docker/endpoint.js';
import type { Lab } from '../../src/lab/index.js';
import { systemClock } from '../../src/util/clock.js';
import { retryUntil, systemSleep } from '../../src/util/retry.js';
import { labRuns } from '../helpers/lab-runs.js';
import {
  chaosTraffic,
  expectOnlyItsVusRelogin,
  labAuth,
  pinsBefore,
  planned,
  reloginsByVu,
  stickyRun,
} from './helpers/lab-chaos.js';

/**
 * Chaos on the lab, end to end: real HAProxy, real backend containers, the run pipeline with the chaos
 * runner acting through the Docker Engine API while the users send traffic. Each test asserts numbers.
 */
const { run: runChaos, start: startDockerLab } = labRuns({ runtime: 'docker', users: 40 });

function backendContainer(lab: Lab, index: number): { name: string; container: string } {
  const backend = lab.backends[index];
  if (backend?.containerName === undefined) throw new Error(`lab backend ${index} has no container`);
  return { name: backend.name, container: backend.containerName };
}

describe('chaos on the lab', () => {
  it('restarting one memory backend under cookie stickiness: its VUs re-login once each, others never', async () => {
    let target = { name: '', container: '' };
    const run = await runChaos({ balancer: 'haproxy-cookie', sessions: 'memory' }, (lab) => {
      target = backendContainer(lab, 1);
      return stickyRun(lab, {
        events: [{ action: 'restart', at: '2s', target: { name: target.container }, timeout: '2s' }],
      });
    });
    const [restart] = planned(run.journal);
    expect(restart).toMatchObject({
      action: 'restart',
      outcome: 'done',
      target: { name: target.container },
    });
    expect(restart?.recoveredMs).toBeGreaterThanOrEqual(restart?.doneMs ?? Number.NaN);
    expectOnlyItsVusRelogin(run, restart, target.name);
  });

  for (const sessions of ['redis', 'jwt'] as const) {
    it(`restarting one ${sessions} backend: zero mismatches and zero re-logins`, async () => {
      const { sink, result, journal } = await runChaos(
        { balancer: sessions === 'jwt' ? 'haproxy-roundrobin' : 'haproxy-cookie', sessions },
        (lab) => ({
          auth:
            sessions === 'jwt'
              ? {
                  mode: 'bearer',
                  login: { format: 'json', token: { from: 'json', path: 'token' } },
                  credentials: { password: lab.password },
                }
              : labAuth(lab),
          classify: { identity: { from: 'header', name: 'x-user' } },
          traffic: chaosTraffic,
          chaos: {
            events: [{ action: 'restart', at: '2s', target: { name: backendContainer(lab, 1).container } }],
          },
        }),
      );
      const [restart] = planned(journal);
      expect(restart).toMatchObject({ action: 'restart', outcome: 'done' });
      // The users on the restarted backend kept their sessions: ok answers after it, wherever they came from.
      const pinned = [...pinsBefore(sink, restart?.issuedMs ?? 0)].filter(([, backend]) => backend === 'b2');
      expect(pinned.length).toBeGreaterThan(0);
      const okAfter = new Set(
        sink.responses
          .filter((r) => r.classification.class === 'ok' && r.record.start > (restart?.doneMs ?? Number.NaN))
          .map((r) => r.record.vu),
      );
      expect(pinned.filter(([vu]) => !okAfter.has(vu))).toEqual([]);
      expect(result.summary.counts.classes.mismatch).toBe(0);
      expect(result.summary.counts.classes.wrong_user).toBe(0);
      expect(sink.logins.filter((login) => login.cause !== 'initial')).toEqual([]);
      expect(result.summary.impact.find((i) => i.id === 'chaos-1')).toMatchObject({
        mismatches: 0,
        relogins: 0,
      });
    });
  }

  it('pausing one backend: errors (timeouts) only while it is paused', async () => {
    const { sink, result, journal } = await runChaos(
      { balancer: 'haproxy-cookie', sessions: 'memory' },
      (lab) => ({
        auth: labAuth(lab),
        target: { timeout: '800ms' },
        traffic: chaosTraffic,
        chaos: {
          events: [
            {
              action: 'pause',
              at: '2s',
              for: '2500ms',
              target: { name: backendContainer(lab, 1).container },
            },
          ],
        },
      }),
    );
    const pause = planned(journal)[0];
    const unpause = journal?.actions.find((a) => a.origin === 'undo');
    expect(pause).toMatchObject({ action: 'pause', outcome: 'done' });
    expect(unpause).toMatchObject({ action: 'unpause', outcome: 'done' });
    expect(pause?.recoveredMs).toBeGreaterThanOrEqual(unpause?.doneMs ?? Number.NaN);
    const pausedFrom = pause?.issuedMs ?? Number.NaN;
    const pausedUntil = unpause?.doneMs ?? Number.NaN;
    const errors = sink.responses.filter((r) => r.classification.class === 'error');
    expect(errors.length).toBeGreaterThan(0);
    // Every error (timeout) was asked for while the backend was paused.
    const outside = (r: (typeof errors)[number]) =>
      r.record.start < pausedFrom || r.record.start > pausedUntil;
    expect(errors.filter(outside).map((r) => Math.round(r.record.start))).toEqual([]);
    // What HAProxy adds: while the backend's health checks time out it sends its users elsewhere, where they
    // are not logged in. Those mismatches may come a little after the unpause (checks must pass again), but
    // there are no errors then, and nothing else is wrong outside the pause.
    const otherwise = sink.responses.filter((r) => r.classification.class !== 'ok' && outside(r));
    expect(otherwise.filter((r) => r.classification.class !== 'mismatch')).toEqual([]);
    expect(result.summary.impact.find((i) => i.id === 'chaos-1')?.errors).toBe(errors.length);
  });

  it('a rolling restart of every memory backend: every VU re-logs in at least once', async () => {
    const { sink, journal, result } = await runChaos(
      { balancer: 'haproxy-cookie', sessions: 'memory' },
      (lab) => ({
        auth: labAuth(lab),
        traffic: chaosTraffic,
        chaos: {
          events: [
            {
              action: 'restart',
              at: '2s',
              target: { label: `session-chaos.lab=${lab.id}` },
              pick: 'rolling',
              timeout: '2s',
            },
          ],
        },
      }),
    );
    const restarts = planned(journal);
    expect(restarts.map((r) => [r.target?.name.replace(/^sc-lab-[^-]+-/, ''), r.outcome])).toEqual([
      ['b1', 'done'],
      ['b2', 'done'],
      ['b3', 'done'],
    ]);
    // One at a time: each starts after the previous one is back.
    for (let k = 1; k < restarts.length; k++) {
      expect(restarts[k]?.issuedMs).toBeGreaterThanOrEqual(restarts[k - 1]?.recoveredMs ?? Number.NaN);
    }
    const relogins = reloginsByVu(sink);
    const vus = [...new Set(sink.logins.map((login) => login.vu))];
    expect(vus).toHaveLength(30);
    expect(vus.filter((vu) => (relogins.get(vu) ?? 0) < 1)).toEqual([]);
    expect(result.summary.counts.classes.wrong_user).toBe(0);
    // One impact per restarted container, each from its own restart, under the id its journal entry has.
    // The summary counts from the traffic phase's start, the action records from the run's.
    const trafficStart = result.summary.trafficStartedAt ?? 0;
    expect(result.summary.impact.map((impact) => [impact.id, impact.at])).toEqual(
      restarts.map((restart) => [impactId(restart), restart.issuedMs - trafficStart]),
    );
    expect(restarts.map((restart) => impactId(restart))).toEqual(['chaos-1.1', 'chaos-1.2', 'chaos-1.3']);
    expect(result.summary.impact.every((impact) => impact.relogins > 0)).toBe(true);
  });

  it('session-chaos run interrupted mid-run (SIGINT) restores the paused and the stopped backend, exit 130', async () => {
    const lab = await startDockerLab({ balancer: 'haproxy-cookie', sessions: 'memory' });
    const paused = backendContainer(lab, 0).container;
    const stopped = backendContainer(lab, 2).container;
    const dir = await mkdtemp(join(tmpdir(), 'sc-chaos-cli-'));
    const profile = join(dir, 'chaos.yaml');
    await writeFile(
      profile,
      [
        `target: { url: "${lab.url}", timeout: 1s }`,
        'auth: { credentials: { password: "${LAB_TEST_PASSWORD}" } }',
        'traffic: { users: 10, duration: 60s, thinkTime: 50ms }',
        'chaos:',
        '  events:',
        `    - { action: pause, at: 1s, target: { name: ${paused} } }`,
        `    - { action: stop, at: 1s, target: { name: ${stopped} }, timeout: 1s }`,
      ].join('\n'),
    );
    const docker = createDockerClient(resolveDockerEndpoint(process.env));
    const cli = fileURLToPath(new URL('../lab/fixtures/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'run', '--profile', profile, '--quiet'], {
      env: { ...process.env, LAB_TEST_PASSWORD: lab.password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Mid-run: both actions in effect, traffic still going.
      const inEffect = await retryUntil(
        async () =>
          (await docker.inspect(paused)).status === 'paused' &&
          (await docker.inspect(stopped)).status === 'exited'
            ? true
            : undefined,
        { clock: systemClock, sleep: systemSleep, timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(inEffect, output).toBe(true);
      child.kill('SIGINT');
      expect(await exited, output).toBe(130);
      expect((await docker.inspect(paused)).status).toBe('running');
      expect((await docker.inspect(stopped)).status).toBe('running');
      expect(output).toContain('restoring 2 target(s) chaos took down');
    } finally {
      child.kill('SIGKILL');
      await docker.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
