import { cutShort } from '../classify/record.js';
import type { RecordSink } from '../traffic/sink.js';
import type { Sleep } from '../traffic/sleep.js';
import type { VirtualUser } from '../traffic/virtual-user.js';
import type { Clock } from '../util/clock.js';
import type { LoginResult } from './login.js';

export interface LoginPhaseOptions {
  concurrency: number;
  /** User k of n may start no sooner than rampUpMs * k / n after the phase starts. */
  rampUpMs: number;
  clock: Clock;
  sleep: Sleep;
  signal: AbortSignal;
}

/** Every user logs in once, at most `concurrency` at a time, spread over the ramp. */
export async function runLoginPhase(
  users: readonly VirtualUser[],
  logIn: (vu: VirtualUser) => Promise<LoginResult>,
  sink: RecordSink,
  options: LoginPhaseOptions,
): Promise<void> {
  const startedAt = options.clock.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!options.signal.aborted) {
      const index = next++;
      const vu = users[index];
      if (vu === undefined) return;
      const due = startedAt + (options.rampUpMs * index) / users.length;
      await options.sleep(due - options.clock.now(), options.signal);
      if (options.signal.aborted) return;
      const result = await logIn(vu);
      if (cutShort(result.record)) return;
      await sink.onLogin(result.record);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, users.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
