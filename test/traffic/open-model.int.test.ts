import { describe, expect, it } from 'vitest';
import { executeRun } from '../../src/run/run.js';
import { planFor } from '../helpers/engine-fixtures.js';
import { labPerTest } from '../lab/helpers.js';

// Process backends: the test stops one by its pid.
const startLab = labPerTest({
  balancer: 'haproxy-roundrobin',
  sessions: 'jwt',
  runtime: 'process',
  users: 200,
});

const rate = 200;
const durationMs = 3000;
const pauseAtMs = 1000;
const pauseMs = 1000;
// Few users on purpose: within a third of a second every user waits on the stopped backend, so the
// arrivals after that cannot be sent before it resumes. Measured from their intended start, they show
// the stall; measured from when they were sent (coordinated omission), they would look fast.
const users = 20;

describe('the open model on the lab', () => {
  it('keeps its schedule while a backend is stopped for 1 s, and the stall shows in max and p99', async () => {
    const lab = await startLab({});
    const paused = lab.backends[1];
    const pid = paused?.pid;
    if (pid === undefined) throw new Error('the lab has no second process backend to pause');
    const plan = planFor(lab.url, {
      target: { timeout: '10s' },
      auth: {
        mode: 'bearer',
        login: { format: 'json', token: { from: 'json', path: 'token' } },
        credentials: { password: lab.password },
      },
      classify: { identity: { from: 'header', name: 'x-user' } },
      traffic: { users, duration: `${durationMs}ms`, model: 'open', rate },
    });
    plan.secrets = [lab.password];

    const timers: NodeJS.Timeout[] = [];
    let stopped = false;
    const pause = (): void => {
      timers.push(
        setTimeout(() => {
          process.kill(pid, 'SIGSTOP');
          stopped = true;
        }, pauseAtMs),
        setTimeout(() => {
          process.kill(pid, 'SIGCONT');
          stopped = false;
        }, pauseAtMs + pauseMs),
      );
    };
    let result: Awaited<ReturnType<typeof executeRun>>;
    try {
      result = await executeRun(plan, {
        log: (line) => {
          if (line.startsWith('traffic phase')) pause();
        },
      });
    } finally {
      for (const timer of timers) clearTimeout(timer);
      if (stopped) process.kill(pid, 'SIGCONT');
    }

    const scheduled = (rate * durationMs) / 1000;
    // Arrivals follow the clock, not the answers: the stalled requests did not hold the others back.
    expect(result.traffic.sent).toBeGreaterThanOrEqual(scheduled * 0.98);
    expect(result.traffic.sent).toBeLessThanOrEqual(scheduled + 1);
    expect(result.summary.counts.classes.ok).toBe(result.traffic.sent);
    expect(result.summary.backendShare[paused?.name ?? '']?.count).toBeGreaterThan(0);
    // Latency runs from each request's intended start, so the second-long stall is measured, not omitted.
    expect(result.summary.latency.max).toBeGreaterThanOrEqual(pauseMs * 0.9);
    expect(result.summary.latency.p99).toBeGreaterThanOrEqual(pauseMs * 0.5);
    expect(result.summary.latency.p90).toBeGreaterThanOrEqual(pauseMs * 0.2);
  });
});
