import { containerState } from './docker/containers.js';
import { isRunning } from './processes.js';
import type { SentinelStoreRecord } from './redis-sentinel.js';
import { currentProcess, respawnedProcesses } from './respawn.js';
import { isUnowned, type LabState } from './state.js';

export interface LabStatus {
  id: string;
  createdAt: string;
  url: string | undefined;
  /** The pid of the running process the lab belongs to; null for a lab `lab down` may remove. */
  owner: number | null;
  runtime: LabState['runtime'];
  sessions: LabState['sessions'];
  balancer: { kind: LabState['balancerKind']; running: boolean };
  /**
   * `state` is the container's ("running", "paused", "exited", "missing") or, for a process, running/exited;
   * "removed" for a backend a scale in took out.
   */
  backends: { name: string; url: string; state: string }[];
  redis?: { url: string; running: boolean };
  /** redis-sentinel: whether each process of the store runs (the primary: the one started last on its port). */
  sentinelStore?: { primary: boolean; replica: boolean; relay: boolean; sentinel: boolean };
}

/** What is still up of a lab: read from the processes and containers themselves, not from the state file. */
export async function labStatus(state: LabState): Promise<LabStatus> {
  const backends = await Promise.all(
    state.backends.map(async (backend) => {
      let current = 'unknown';
      if (backend.removedAt !== undefined) current = 'removed';
      else if (backend.container) current = await containerState(backend.container.id);
      else {
        const owned = currentProcess(state, backend);
        if (owned !== undefined) current = isRunning(owned) ? 'running' : 'exited';
      }
      return { name: backend.name, url: backend.url, state: current };
    }),
  );
  return {
    id: state.id,
    createdAt: state.createdAt,
    url: state.balancer?.url,
    owner: isUnowned(state) ? null : (state.owner?.pid ?? null),
    runtime: state.runtime,
    sessions: state.sessions,
    balancer: {
      kind: state.balancerKind,
      running: state.balancer !== undefined && isRunning(state.balancer.process),
    },
    backends,
    ...(state.redis ? { redis: { url: state.redis.url, running: isRunning(state.redis.process) } } : {}),
    ...(state.sentinelStore ? { sentinelStore: sentinelStatus(state, state.sentinelStore) } : {}),
  };
}

function sentinelStatus(
  state: LabState,
  store: SentinelStoreRecord,
): NonNullable<LabStatus['sentinelStore']> {
  const primary = respawnedProcesses(state).get('store')?.at(-1) ?? store.primary.process;
  return {
    primary: isRunning(primary),
    replica: isRunning(store.replica.process),
    relay: isRunning(store.relay.process),
    sentinel: store.sentinel !== undefined && isRunning(store.sentinel.process),
  };
}
