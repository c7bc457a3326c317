import { describe, expect, it } from 'vitest';
import type { LoginRecord } from '../../src/classify/record.js';
import { runLoginPhase } from '../../src/login/login-phase.js';
import type { Sleep } from '../../src/traffic/sleep.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { manualClock } from '../../src/util/clock.js';
import { CollectingSink } from '../helpers/engine-fixtures.js';

describe('runLoginPhase', () => {
  it('spreads logins over the ramp and never runs more than the concurrency at once', async () => {
    const clock = manualClock(1000);
    // Time moves only when someone waits: a sleep advances the clock to its end.
    const sleep: Sleep = async (ms) => {
      if (ms > 0) clock.set(Math.max(clock.now(), clock.now() + ms));
    };
    const users = Array.from({ length: 10 }, (_, index) =>
      createVirtualUser(index + 1, { username: `user${index + 1}`, password: 'pw' }, 1),
    );
    const startedAt = new Map<number, number>();
    let running = 0;
    let mostAtOnce = 0;
    const sink = new CollectingSink();
    await runLoginPhase(
      users,
      async (vu) => {
        startedAt.set(vu.id, clock.now());
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await Promise.resolve();
        running -= 1;
        vu.loggedIn = true;
        const record: LoginRecord = {
          vu: vu.id,
          user: vu.username,
          requestId: `r${vu.id}`,
          start: clock.now(),
          end: clock.now(),
          outcome: 'login_ok',
          cause: 'initial',
          backend: 'b1',
        };
        return { record, detail: { url: 'http://127.0.0.1/login', setCookies: [] } };
      },
      sink,
      { concurrency: 3, rampUpMs: 1000, clock, sleep, signal: new AbortController().signal },
    );
    expect(sink.logins).toHaveLength(10);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
    users.forEach((vu, index) => {
      expect(startedAt.get(vu.id)).toBeGreaterThanOrEqual(1000 + index * 100);
    });
    expect(users.every((vu) => vu.loggedIn)).toBe(true);
  });
});
