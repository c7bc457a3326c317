import { LabError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import type { BackendStore } from './backends.js';
import type { ResolvedLabOptions } from './options.js';
import { freePort } from './ports.js';
import { outputTail } from './probe.js';
import { isRunning, type OwnedProcess } from './processes.js';
import { redisAnswers, startRedis } from './redis.js';
import { startSentinelStore, storeProcesses } from './redis-sentinel.js';
import { type LabState, writeLabState } from './state.js';
import { waitUntil } from './wait.js';

/**
 * The lab's session store, in the modes that have one: one Redis (`redis`), or a primary, a replica and
 * Sentinel (`redis-sentinel`). Started before the backends, which are told where it is.
 */
export async function startStore(
  state: LabState,
  options: ResolvedLabOptions,
  wait: { clock: Clock; timeoutMs: number },
): Promise<BackendStore> {
  if (options.sessions === 'redis') {
    const redis = startRedis(state.dir, await freePort());
    state.redis = redis;
    writeLabState(state);
    await waitUntil(
      async () => {
        if (!isRunning(redis.process))
          throw new LabError(`redis-server exited while starting: ${outputTail(redis.outputPath)}`);
        return redisAnswers(redis.port);
      },
      { ...wait, what: 'Redis to answer PING' },
    );
    return { redisUrl: redis.url, redisSentinel: undefined };
  }
  if (options.sessions === 'redis-sentinel') {
    const ports = {
      primary: await freePort(),
      relay: await freePort(),
      replica: await freePort(),
      sentinel: await freePort(),
    };
    const store = await startSentinelStore(state.dir, ports, options.replicationLagMs, wait, (record) => {
      state.sentinelStore = record;
      writeLabState(state);
    });
    return { redisUrl: undefined, redisSentinel: { port: ports.sentinel, name: store.masterName } };
  }
  return { redisUrl: undefined, redisSentinel: undefined };
}

/** Every process of the lab's store, for teardown. */
export function storeProcessesOf(state: LabState): OwnedProcess[] {
  return [
    ...(state.redis === undefined ? [] : [state.redis.process]),
    ...(state.sentinelStore === undefined ? [] : storeProcesses(state.sentinelStore)),
  ];
}
