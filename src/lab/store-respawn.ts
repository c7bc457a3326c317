import { LabError } from '../errors.js';
import { systemClock } from '../util/clock.js';
import { outputTail } from './probe.js';
import { isRunning, type OwnedProcess } from './processes.js';
import { type RedisRecord, redisAnswers, spawnRedis } from './redis.js';
import { type RespawnOptions, recordRespawn, respawnBackend, respawnedProcesses } from './respawn.js';
import { type LabState, readLabState } from './state.js';
import { waitUntil } from './wait.js';

/** The name a respawned store process is written down under (beside the backends' names). */
const storeName = 'store';

/** The store process chaos acts on (`target: { name: store }`): the lab's Redis, or its first primary. */
function storeRecord(state: LabState): RedisRecord | undefined {
  return state.redis ?? state.sentinelStore?.primary;
}

/** The store's process now: its latest respawn, else the one the lab started. */
function currentStore(state: LabState, record: RedisRecord): OwnedProcess {
  return respawnedProcesses(state).get(storeName)?.at(-1) ?? record.process;
}

export interface Respawned {
  name: string;
  pid: number | undefined;
  started: boolean;
}

/**
 * `lab respawn --port`: starts what chaos took down on that port again, a process backend or the store. The
 * store comes back empty (the lab's Redis keeps nothing on disk): a plain Redis has lost every session; a
 * redis-sentinel primary is made a replica of the promoted one by Sentinel, as a repaired server would be.
 */
export async function respawnAt(
  labId: string,
  port: number,
  options: RespawnOptions = {},
): Promise<Respawned> {
  const state = readLabState(labId);
  const store = storeRecord(state);
  if (store === undefined || store.port !== port) {
    const { backend, started } = await respawnBackend(labId, port, options);
    return { name: backend.name, pid: backend.process?.pid, started };
  }
  const running = currentStore(state, store);
  if (isRunning(running)) return { name: storeName, pid: running.pid, started: false };
  const owned = spawnRedis(store.args, store.outputPath);
  recordRespawn(state, storeName, owned);
  await waitUntil(
    async () => {
      if (!isRunning(owned))
        throw new LabError(`redis-server exited as it started again: ${outputTail(store.outputPath)}`);
      return redisAnswers(port);
    },
    {
      what: `the lab's store to answer PING again on port ${port}`,
      timeoutMs: options.timeoutMs ?? 30_000,
      clock: options.clock ?? systemClock,
    },
  );
  return { name: storeName, pid: owned.pid, started: true };
}
