import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { balancerKinds } from '../../src/lab/balancer/registry.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { executeRun } from '../../src/run/run.js';
import type { RecordSink } from '../../src/traffic/sink.js';
import { planFor } from '../helpers/engine-fixtures.js';
import { bundleBackend } from './helpers.js';

const users = 10_000;

/** Counts transport errors by reason, and which users got an answer: 10,000 users' records, not kept. */
class ErrorCount implements RecordSink {
  readonly reasons = new Map<string, number>();
  readonly answered = new Set<number>();

  onLogin(): void {}

  onResponse(record: Parameters<RecordSink['onResponse']>[0]): void {
    if (record.errorCode !== undefined) {
      this.reasons.set(record.errorCode, (this.reasons.get(record.errorCode) ?? 0) + 1);
    } else this.answered.add(record.vu);
  }
}

let lab: Lab | undefined;
beforeAll(() => bundleBackend());
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/**
 * The README promises runs of 10,000 VUs on the lab, whichever balancer it offers. With client addresses spread
 * over 127.0.0.0/16 (one per user, as ip_hash needs) every user holds a connection of its own, so the balancer
 * carries 10,000 client connections and their upstream side at once: nginx's worker_connections, HAProxy's
 * maxconn and the file limits of each must allow it, or connections are reset or left waiting. Capacity is
 * the question, not stickiness: where the balancer does not pin a user to the backend holding its (memory)
 * session, the answers are mismatches, and the users keep their sessions rather than log in again.
 */
describe('the lab carries 10,000 virtual users', () => {
  it.each(balancerKinds)(
    '%s: every user logs in and is answered, with no reset or timeout',
    async (kind) => {
      lab = await startLab({ balancer: kind, sessions: 'memory', runtime: 'process', users });
      const sink = new ErrorCount();
      const plan = planFor(lab.url, {
        auth: { credentials: { password: lab.password } },
        // A late answer on a machine shared with other work is contention, not capacity: only resets, refusals
        // and 5xx count here, so the request timeout is long.
        target: { timeout: '60s' },
        traffic: {
          users,
          // One request each: every user claims its request before the first answer comes back (the closed
          // loops start together), so the phase ends when the last of the 10,000 is answered.
          requests: users,
          duration: '120s',
          sourceAddresses: { cidr: '127.0.0.0/16' },
          login: { concurrency: 500 },
        },
        relogin: 'never',
      });
      plan.secrets = [lab.password];
      const result = await executeRun(plan, { sinks: [sink] });
      expect(result.loggedIn).toBe(users);
      expect(Object.fromEntries(sink.reasons)).toEqual({});
      expect(result.summary.counts.classes.error).toBe(0);
      expect(sink.answered.size).toBe(users);
    },
    300_000,
  );
});
