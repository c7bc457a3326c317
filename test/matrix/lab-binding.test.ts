import { describe, expect, it } from 'vitest';
import type { LabFacts } from '../../src/lab/index.js';
import { bindPlanToLab, chooseLab, type LabPlatform } from '../../src/matrix/lab-binding.js';
import { resolvePlan } from '../../src/profile/load.js';

const profileText = `
name: sticky
target: { url: http://127.0.0.1:8080 }
auth:
  credentials:
    password: \${PW:-chaos}
    start: 5
traffic: { users: 120, seed: 9 }
chaos:
  events:
    - { action: restart, at: 1s, target: { label: session-chaos.role=backend } }
    - { action: stop, at: 2s, for: 1s, target: { name: b2 } }
    - { action: exec, at: 3s, command: [echo, hi] }
lab: { balancer: haproxy-cookie, sessions: replicated, replicationLag: 150ms, sessionTtl: 2500ms }
`;

const plan = () => resolvePlan('p.yaml', profileText, { env: {} });
const hint = () => {
  const lab = plan().profile.lab;
  if (lab === undefined) throw new Error('fixture has a lab section');
  return lab;
};

const everything: LabPlatform = {
  runtime: 'docker',
  balancers: new Set(['haproxy-cookie', 'haproxy-roundrobin']),
  redis: true,
  sentinel: true,
};

const scaleCommands = {
  out: ['node', 'cli.js', 'lab', 'scale', 'abcd1234', 'out', '--json'],
  in: ['node', 'cli.js', 'lab', 'scale', 'abcd1234', 'in', '--backend', '{target}', '--json'],
};

function facts(runtime: LabFacts['runtime']): LabFacts {
  return {
    id: 'abcd1234',
    url: 'http://127.0.0.1:40000',
    runtime,
    sessions: 'replicated',
    users: 124,
    password: 'chaos',
    cookieName: 'sid',
    balancer: {
      kind: 'haproxy-cookie',
      url: 'http://127.0.0.1:40000',
      port: 40000,
      pid: 1,
      configPath: '/x',
    },
    backends: [1, 2, 3].map((n) => ({
      name: `b${n}`,
      url: `http://127.0.0.1:4100${n}`,
      port: 41000 + n,
      logPath: `/tmp/x/b${n}.jsonl`,
    })),
    dir: '/tmp/x',
    scaleCommands: scaleCommands,
    ...(runtime === 'process'
      ? { respawnCommand: ['node', 'cli.js', 'lab', 'respawn', 'abcd1234', '--port', '{port}'] }
      : {}),
  };
}

describe('chooseLab', () => {
  it('asks for the lab the hint names, with accounts for every user and the profile password', () => {
    const choice = chooseLab(hint(), plan(), everything);
    expect(choice).toEqual({
      kind: 'lab',
      notes: [],
      options: {
        balancer: 'haproxy-cookie',
        sessions: 'replicated',
        backends: 3,
        runtime: 'docker',
        users: 124, // user5 .. user124
        password: 'chaos',
        replicationLagMs: 150,
        sessionTtlSeconds: 3,
        seed: 9,
      },
    });
  });

  it('takes a stand-in balancer when the real one is missing, and says so', () => {
    const platform = {
      ...everything,
      balancers: new Set(['builtin-cookie'] as const),
    } as unknown as LabPlatform;
    const choice = chooseLab(hint(), plan(), platform, { 'haproxy-cookie': 'builtin-cookie' } as never);
    expect(choice.kind).toBe('lab');
    if (choice.kind !== 'lab') return;
    expect(choice.options.balancer).toBe('builtin-cookie');
    expect(choice.notes).toEqual(['haproxy-cookie is not available: the built-in builtin-cookie stands in']);
  });

  it('skips what the machine cannot run', () => {
    const none: LabPlatform = { runtime: 'process', balancers: new Set(), redis: false, sentinel: false };
    expect(chooseLab(hint(), plan(), none)).toEqual({
      kind: 'skip',
      reason: 'needs haproxy-cookie, which is not installed',
    });
    const redisHint = { ...hint(), sessions: 'redis' as const, replicationLag: undefined };
    expect(chooseLab(redisHint, plan(), none)).toEqual({
      kind: 'skip',
      reason: 'needs Redis (redis-server is not installed)',
    });
    const sentinelHint = { ...hint(), sessions: 'redis-sentinel' as const };
    expect(chooseLab(sentinelHint, plan(), { ...everything, sentinel: false })).toEqual({
      kind: 'skip',
      reason: 'needs Redis Sentinel (redis-sentinel is not installed)',
    });
  });

  it('passes services on, and skips them rather than put a stand-in that routes no paths in front', () => {
    const services = { ...hint(), sessions: 'jwt' as const, replicationLag: undefined, services: 2 };
    const scoped = { ...services, sessionScope: 'per-service' as const };
    const choice = chooseLab(scoped, plan(), everything);
    expect(choice.kind === 'lab' && choice.options).toMatchObject({
      services: 2,
      sessionScope: 'per-service',
    });
    const builtinOnly = { ...everything, balancers: new Set(['builtin-cookie'] as const) } as LabPlatform;
    expect(chooseLab(services, plan(), builtinOnly, { 'haproxy-cookie': 'builtin-cookie' })).toEqual({
      kind: 'skip',
      reason: "needs haproxy-cookie as the services' gateway (a built-in balancer routes no paths)",
    });
  });
});

describe('bindPlanToLab', () => {
  it("points the target at the lab and narrows chaos to the lab's own containers", () => {
    const { plan: bound, notes } = bindPlanToLab(plan(), facts('docker'));
    expect(notes).toEqual([]);
    expect(bound.profile.target.url).toBe('http://127.0.0.1:40000');
    expect(bound.profile.chaos.events.map((event) => event.target)).toEqual([
      { label: 'session-chaos.lab=abcd1234' },
      { name: 'sc-lab-abcd1234-b2' },
      undefined,
    ]);
    // The loaded plan is left as it was.
    expect(plan().profile.target.url).toBe('http://127.0.0.1:8080');
    // The lab's backends are known, so one that gets no request still counts in the load skew.
    expect(bound.profile.classify.backends).toEqual(facts('docker').backends.map((backend) => backend.name));
  });

  it("aims chaos at a process lab's backends by port, started again by the lab's own command", () => {
    const { plan: bound, notes } = bindPlanToLab(plan(), facts('process'));
    expect(notes).toEqual([]);
    const start = ['node', 'cli.js', 'lab', 'respawn', 'abcd1234', '--port', '{port}'];
    expect(bound.profile.chaos.events.map((event) => [event.driver, event.target, event.start])).toEqual([
      ['process', { port: [41001, 41002, 41003] }, start],
      ['process', { port: [41002] }, start],
      [undefined, undefined, undefined],
    ]);
  });

  it('aims a `store` target at the lab store, a process on any runtime, started again by the lab', () => {
    const storePlan = resolvePlan(
      'p.yaml',
      `target: { url: http://127.0.0.1:8080 }
auth: { credentials: { password: chaos } }
chaos: { events: [{ action: kill, at: 1s, target: { name: store } }] }
lab: { balancer: haproxy-roundrobin, sessions: redis-sentinel }
`,
      { env: {} },
    );
    const start = ['node', 'cli.js', 'lab', 'respawn', 'abcd1234', '--port', '{port}'];
    for (const runtime of ['docker', 'process'] as const) {
      const lab = { ...facts(runtime), store: { port: 42000, pid: 7, respawnCommand: start } };
      const [event] = bindPlanToLab(storePlan, lab).plan.profile.chaos.events;
      expect([event?.driver, event?.target, event?.start]).toEqual(['process', { port: 42000 }, start]);
    }
    expect(() => bindPlanToLab(storePlan, facts('docker'))).toThrow(
      'chaos target name "store": the lab has no session store (sessions replicated',
    );
  });

  it("binds scale-out and scale-in to the lab's own `lab scale`, on Docker and process labs alike", () => {
    const scalePlan = resolvePlan(
      'p.yaml',
      `target: { url: http://127.0.0.1:8080 }
auth: { credentials: { password: chaos } }
chaos:
  events:
    - { action: scale-out, at: 1s }
    - { action: scale-in, at: 2s, target: { name: b2 } }
    - { action: scale-in, at: 3s, target: { label: session-chaos.role=backend }, pick: one }
lab: { balancer: haproxy-source, sessions: memory }
`,
      { env: {} },
    );
    const bound = (runtime: LabFacts['runtime']) =>
      bindPlanToLab(scalePlan, facts(runtime)).plan.profile.chaos.events.map((event) => [
        event.driver,
        event.target,
        event.scale,
      ]);
    expect(bound('docker')).toEqual([
      ['docker', undefined, scaleCommands],
      ['docker', { name: 'sc-lab-abcd1234-b2' }, scaleCommands],
      ['docker', { label: 'session-chaos.lab=abcd1234' }, scaleCommands],
    ]);
    expect(bound('process')).toEqual([
      ['process', undefined, scaleCommands],
      ['process', { port: [41002] }, scaleCommands],
      ['process', { port: [41001, 41002, 41003] }, scaleCommands],
    ]);
    const storeScale = resolvePlan(
      'p.yaml',
      `target: { url: http://127.0.0.1:8080 }
auth: { credentials: { password: chaos } }
chaos: { events: [{ action: scale-in, at: 1s, target: { name: store } }] }
`,
      { env: {} },
    );
    expect(() => bindPlanToLab(storeScale, facts('process'))).toThrow('the session store does not scale');
  });
});
