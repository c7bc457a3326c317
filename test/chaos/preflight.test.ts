import { describe, expect, it } from 'vitest';
import { dockerDriver } from '../../src/chaos/docker/driver.js';
import { openDrivers } from '../../src/chaos/drivers.js';
import { chaosPreflight } from '../../src/chaos/preflight.js';
import { renderChaosPlan } from '../../src/chaos/render.js';
import { DockerUnreachableError, ExitCode, PreflightError, ProfileError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { fakeDocker } from './helpers/fake-docker.js';

const docker = () =>
  fakeDocker([
    { id: 'aaa111', name: 'backend-1', labels: { role: 'backend' } },
    { id: 'bbb222', name: 'backend-2', labels: { role: 'backend' } },
    { id: 'ccc333', name: 'backend-10', labels: { role: 'backend' } },
    { id: 'ddd444', name: 'redis', labels: { role: 'store' } },
  ]);

function planWith(chaos: Record<string, unknown>, duration = '30s') {
  const text = JSON.stringify({
    target: { url: 'http://127.0.0.1:8080' },
    auth: { login: { url: '/login' }, credentials: { username: 'u{i}', password: 'p' } },
    traffic: { duration, seed: 7 },
    chaos,
  });
  return resolvePlan('test.json', text, { env: {} });
}

const preflight = (plan: ReturnType<typeof planWith>, client = docker()) =>
  chaosPreflight(plan, openDrivers(plan, {}, { docker: dockerDriver(client) }));

describe('chaosPreflight', () => {
  it('resolves every selector and plans the timeline', async () => {
    const plan = planWith({
      events: [
        { action: 'restart', at: '5s', target: { name: 'backend-1' }, pick: 'all' },
        { action: 'pause', at: '8s', target: { label: 'role=backend' }, pick: 'random 2', for: '2s' },
        { action: 'stop', at: '9s', target: { name: 'backend-*' }, pick: 'all' },
      ],
    });
    const prepared = await preflight(plan);
    expect(prepared.reached).toEqual(['Docker at fake://docker, API 1.41']);
    // An exact name does not catch backend-10, which Docker's own filter would.
    expect(prepared.matches.get(0)?.map((c) => c.name)).toEqual(['backend-1']);
    expect(prepared.matches.get(1)).toHaveLength(3);
    expect(prepared.matches.get(2)?.map((c) => c.name)).toEqual(['backend-1', 'backend-10', 'backend-2']);
    expect(prepared.actions.map((a) => [a.atMs, a.action, a.targets.length])).toEqual([
      [5_000, 'restart', 1],
      [8_000, 'pause', 2],
      [9_000, 'stop', 3],
    ]);
  });

  it('names every selector that matches nothing, too much, or too little for its pick (exit 3)', async () => {
    const plan = planWith({
      maxTargets: 2,
      events: [
        { action: 'restart', at: '1s', target: { name: 'backend-9' } },
        { action: 'restart', at: '1s', target: { label: 'role=backend' } },
        { action: 'restart', at: '1s', target: { label: 'role=store' }, pick: 'random 2' },
      ],
    });
    const error = await preflight(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).exitCode).toBe(ExitCode.preflightFailed);
    expect((error as Error).message).toBe(
      [
        'chaos targets:',
        '  chaos.events[0].target: name=backend-9 matches no container',
        '  chaos.events[1].target: label=role=backend matches 3 containers (backend-1, backend-10, backend-2), more than chaos.maxTargets (2)',
        '  chaos.events[2].target: pick random 2 needs 2 containers, label=role=store matches 1',
      ].join('\n'),
    );
  });

  it('plans scale events with their commands, and names one without (exit 3)', async () => {
    const scale = { out: ['lab', 'scale', 'out'], in: ['lab', 'scale', 'in', '{target}'] };
    const prepared = await preflight(
      planWith({
        events: [
          { action: 'scale-out', at: '1s', scale },
          { action: 'scale-in', at: '2s', target: { label: 'role=backend' }, scale },
        ],
      }),
    );
    expect(prepared.actions.map((a) => [a.action, a.targets.map((t) => t.name), a.scale])).toEqual([
      ['scale-out', [], scale],
      ['scale-in', ['backend-2'], scale],
    ]);
    expect(renderChaosPlan(prepared.actions)).toContain(
      'scale-out  events[0] #1  one member more: lab scale out',
    );
    const error = await preflight(planWith({ events: [{ action: 'scale-out', at: '1s' }] })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      "chaos targets:\n  chaos.events[0].scale: required when action is scale-out: the commands (out and in) that scale the group (a lab profile's are the lab's own)",
    );
  });

  it('fails with exit 3 when Docker does not answer, before listing anything', async () => {
    const client = docker();
    client.ping = async () => {
      throw new DockerUnreachableError('unix:///nowhere.sock', 'connect ENOENT');
    };
    const plan = planWith({ events: [{ action: 'restart', at: '1s', target: { name: 'backend-1' } }] });
    const error = await preflight(plan, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DockerUnreachableError);
    expect((error as DockerUnreachableError).exitCode).toBe(ExitCode.preflightFailed);
    expect(client.calls).toEqual([]);
  });

  it('reports events outside the traffic phase as profile problems (exit 2) without asking Docker', async () => {
    const client = docker();
    const plan = planWith(
      { events: [{ action: 'restart', at: '40s', target: { name: 'backend-1' } }] },
      '30s',
    );
    const error = await preflight(plan, client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProfileError);
    expect((error as ProfileError).exitCode).toBe(ExitCode.usage);
    expect(client.calls).toEqual([]);
  });

  it('needs no Docker for exec-only chaos', async () => {
    const plan = planWith({ events: [{ action: 'exec', at: '1s', command: ['true'] }] });
    const prepared = await preflight(plan);
    expect(prepared.reached).toEqual([]);
    expect(prepared.actions).toHaveLength(1);
  });
});

describe('renderChaosPlan', () => {
  it('prints one line per action with time, action, event, targets and notes', async () => {
    const plan = planWith(
      {
        events: [
          { name: 'bounce', action: 'restart', at: '5s', target: { name: 'backend-1' }, timeout: '2s' },
          { action: 'pause', at: '8s', target: { label: 'role=backend' }, pick: 'rolling', for: '2s' },
          { action: 'kill', at: '12s', target: { name: 'redis' }, signal: 'SIGTERM' },
          { action: 'exec', at: '1m', command: ['kubectl', 'rollout', 'restart', 'deploy/web'] },
        ],
      },
      '2m',
    );
    const { actions } = await preflight(plan);
    expect(renderChaosPlan(actions)).toBe(
      [
        'chaos: 4 actions planned, times from the start of the traffic phase',
        '   +5s  restart  bounce #1     backend-1 (aaa111)  [grace 2s; from name=backend-1]',
        '   +8s  pause    events[1] #1  rolling: backend-1 (aaa111) -> backend-10 (ccc333) -> backend-2 (bbb222)  [unpause after 2s; waits for healthy or running up to 1m each; from label=role=backend]',
        '  +12s  kill     events[2] #1  redis (ddd444)  [signal SIGTERM; from name=redis]',
        '   +1m  exec     events[3] #1  kubectl rollout restart deploy/web  [timeout 1m; done when it prints "session-chaos: done" or exits]',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing is planned, and when targets are not resolved', () => {
    expect(renderChaosPlan([])).toBe('chaos: no actions planned\n');
    const line = renderChaosPlan([
      {
        seq: 1,
        event: 0,
        label: 'r',
        occurrence: 1,
        atMs: 0,
        action: 'restart',
        selector: 'name=x',
        targets: [],
        rolling: false,
        waitTimeoutMs: 1,
      },
    ]);
    expect(line).toContain('(not resolved: name=x)');
  });
});
