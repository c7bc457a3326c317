import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, UsageError } from '../errors.js';
import { type Clock, systemClock } from '../util/clock.js';
import { backendIsUp } from './backends.js';
import { backendBundlePath } from './paths.js';
import { isRunning, type OwnedProcess, spawnOwned } from './processes.js';
import { type BackendRecord, type LabState, readLabState } from './state.js';
import { waitUntil } from './wait.js';

/**
 * A process lab's backends started again after chaos stopped or killed them (`session-chaos lab respawn`, the
 * process driver's start command for the lab). Each start is written to a file of its own beside the lab's
 * logs, so that starts of several backends at once never overwrite one another and teardown finds them all.
 */

function respawnDir(state: LabState): string {
  return join(state.dir, 'respawned');
}

/** The processes respawned for each backend, by name, the latest last. */
export function respawnedProcesses(state: LabState): Map<string, OwnedProcess[]> {
  const found = new Map<string, OwnedProcess[]>();
  let names: string[];
  try {
    names = readdirSync(respawnDir(state)).sort();
  } catch {
    return found;
  }
  for (const file of names) {
    const match = /^(.+)-(\d+)\.json$/.exec(file);
    if (match?.[1] === undefined) continue;
    try {
      const owned = JSON.parse(readFileSync(join(respawnDir(state), file), 'utf8')) as OwnedProcess;
      found.set(match[1], [...(found.get(match[1]) ?? []), owned]);
    } catch {
      // A file half-written by a respawn that was killed: that process, if any, is its own.
    }
  }
  return found;
}

/** The backend's process now: the latest respawn of it, else the one the lab started. */
export function currentProcess(state: LabState, backend: BackendRecord): OwnedProcess | undefined {
  return respawnedProcesses(state).get(backend.name)?.at(-1) ?? backend.process;
}

/** Writes down a process started again under `name`, so that teardown stops it too. */
export function recordRespawn(state: LabState, name: string, owned: OwnedProcess): void {
  mkdirSync(respawnDir(state), { recursive: true });
  writeFileSync(join(respawnDir(state), `${name}-${Date.now()}.json`), JSON.stringify(owned), {
    mode: 0o600,
  });
}

export interface RespawnOptions {
  clock?: Clock;
  timeoutMs?: number;
}

/**
 * Starts the process-lab backend on `port` again with the environment it was first started with, and waits
 * until it answers /healthz. Says so, and does nothing, when it runs already.
 */
export async function respawnBackend(
  labId: string,
  port: number,
  options: RespawnOptions = {},
): Promise<{ backend: BackendRecord; started: boolean }> {
  const state = readLabState(labId);
  const backend = state.backends.find((candidate) => candidate.port === port);
  if (backend === undefined) {
    const ports = state.backends.map((candidate) => candidate.port).join(', ');
    throw new UsageError(`lab ${labId} has no backend on port ${port} (its backends: ${ports})`);
  }

  if (state.runtime !== 'process' || backend.env === undefined) {
    throw new UsageError(`lab ${labId} runs its backends as ${state.runtime}: docker start brings one back`);
  }
  const running = currentProcess(state, backend);
  if (running !== undefined && isRunning(running)) return { backend, started: false };
  const owned = spawnOwned(process.execPath, [backendBundlePath], {
    env: backend.env,
    outputPath: backend.outputPath,
  });
  recordRespawn(state, backend.name, owned);
  const current: BackendRecord = { ...backend, process: owned };
  await waitUntil(() => backendIsUp(current), {
    what: `lab backend ${backend.name} to answer /healthz again`,
    timeoutMs: options.timeoutMs ?? 30_000,
    clock: options.clock ?? systemClock,
  }).catch((error: unknown) => {
    throw error instanceof LabError ? error : new LabError(String(error));
  });
  return { backend: current, started: true };
}
