import { rmSync } from 'node:fs';
import { LabError } from '../errors.js';
import type { Clock } from '../util/clock.js';
import { removeLabContainers, removeLabContainersSync } from './docker/containers.js';
import { type OwnedProcess, signalOwned, stopOwned } from './processes.js';
import { respawnedProcesses } from './respawn.js';
import { type LabState, latestLabState, removeLabState } from './state.js';
import { storeProcessesOf } from './store.js';

/** Everything the lab started, backends that chaos had started again included. */
function ownedProcesses(state: LabState): OwnedProcess[] {
  const respawned = [...respawnedProcesses(state).values()].flat();
  return [
    state.balancer?.process,
    ...state.backends.map((backend) => backend.process),
    ...respawned,
    ...storeProcessesOf(state),
  ].filter((owned): owned is OwnedProcess => owned !== undefined);
}

function removeFiles(state: LabState): void {
  rmSync(state.dir, { recursive: true, force: true });
  removeLabState(state.id);
}

const inFlight = new Map<string, Promise<void>>();

/**
 * Stops and removes everything the state records: processes (by pid and start time), containers, files.
 * Calls for a lab already being torn down share that teardown: on Ctrl-C the signal cleanup and the owner's
 * own stop() both ask, and two `docker rm` of the same containers would fail one another.
 */
export function teardown(state: LabState, clock?: Clock): Promise<void> {
  const running = inFlight.get(state.id);
  if (running !== undefined) return running;
  const once = tearDown(state, clock).finally(() => inFlight.delete(state.id));
  inFlight.set(state.id, once);
  return once;
}

async function tearDown(known: LabState, clock?: Clock): Promise<void> {
  const state = latestLabState(known);
  // SIGTERM goes to the processes before the containers' removal is asked for; the two then go on together.
  const processes = stopOwned(ownedProcesses(state), `lab ${state.id} processes to exit`, clock);
  const containers = state.runtime === 'docker' ? removeLabContainers(state.id) : Promise.resolve();
  await processes;
  try {
    await containers;
  } catch (error) {
    throw new LabError(
      `lab ${state.id}: could not remove its containers; its state file is kept for lab down`,
      {
        cause: error,
      },
    );
  }
  removeFiles(state);
}

/** The same, synchronously, for a process 'exit' handler: no waiting, just signals and removal. */
export function teardownSync(known: LabState): void {
  const state = latestLabState(known);
  for (const owned of ownedProcesses(state)) signalOwned(owned, 'SIGTERM');
  if (state.runtime === 'docker') {
    try {
      removeLabContainersSync(state.id);
    } catch {
      return; // keep the state file so that `lab down` can finish the job
    }
  }
  removeFiles(state);
}
