import { dirname, join } from 'node:path';
import { LabError, UsageError } from '../errors.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type BackendRuntime,
  backendIsUp,
  backendName,
  spareBackendNames,
  startBackend,
} from './backends.js';
import { changeBalancer } from './balancer/start.js';
import type { UpstreamServer } from './balancer/upstream.js';
import { engine } from './docker/engine.js';
import { maxBackends } from './options.js';
import { freePort } from './ports.js';
import { exitGraceMs, stopOwned } from './processes.js';
import { currentProcess } from './respawn.js';
import { type BackendRecord, type LabState, readLabState, writeLabState } from './state.js';
import { waitUntil } from './wait.js';

/**
 * Scaling a running lab: one more backend started and added to the balancer, or one drained out of the
 * balancer and stopped. The lab's state file is the record (a scale runs in another process than the lab's
 * owner, as the chaos drivers' scale command); names are never given twice, and a removed backend stays in
 * the state, marked, so that its log is still read as ground truth and teardown still finds it.
 */

export interface ScaleOptions {
  clock?: Clock;
  timeoutMs?: number;
}

function activeBackends(state: LabState): BackendRecord[] {
  return state.backends.filter((backend) => backend.removedAt === undefined);
}

function upstreams(state: LabState): UpstreamServer[] {
  return state.backends.map((backend) => ({
    name: backend.name,
    port: backend.port,
    ...(backend.removedAt === undefined ? {} : { removed: true }),
  }));
}

function balancerOf(state: LabState): NonNullable<LabState['balancer']> {
  if (state.services !== undefined) {
    throw new UsageError(`lab ${state.id} is a lab of services: scaling is for a lab of one application`);
  }
  if (state.balancer === undefined)
    throw new LabError(`lab ${state.id} has no balancer (it did not finish starting)`);
  return state.balancer;
}

function runtimeOf(state: LabState): BackendRuntime {
  if (state.runtime === 'process') return { kind: 'process' };
  if (state.image === undefined) throw new LabError(`lab ${state.id} has no backend image in its state`);
  return { kind: 'docker', labId: state.id, image: state.image };
}

function changeInput(state: LabState) {
  return {
    servers: upstreams(state),
    spare: spareBackendNames(state.backends.length),
    labDir: state.dir,
    cookieName: state.cookieName,
  };
}

/** The next backend's environment: a running one's, with its own name, port, log and seed; peers for replication. */
function nextEnv(state: LabState, name: string, port: number, logPath: string): Record<string, string> {
  const template = activeBackends(state).find((backend) => backend.env !== undefined)?.env;
  if (template === undefined) throw new LabError(`lab ${state.id} has no running backend to copy`);
  const peers = activeBackends(state).map((backend) => backend.url);
  return {
    ...template,
    LAB_BACKEND_NAME: name,
    LAB_PORT: String(port),
    LAB_LOG: logPath,
    LAB_SEED: String(Number(template.LAB_SEED ?? '1') + state.backends.length),
    ...(template.LAB_SESSIONS === 'replicated' ? { LAB_PEERS: peers.join(',') } : {}),
  };
}

/**
 * Scale out: starts backend b<N+1> as the others were started (container or process), waits until it
 * answers, and adds it to the balancer. A replicated backend copies the sessions from its peers when it
 * joins, but the peers are not told of it: their new sessions do not reach it (the lab's replication peers
 * are fixed at start).
 */
export async function scaleOut(labId: string, options: ScaleOptions = {}): Promise<BackendRecord> {
  const state = readLabState(labId);
  const balancer = balancerOf(state);
  if (state.backends.length >= maxBackends) {
    throw new UsageError(`lab ${labId} has had ${maxBackends} backends, the most a lab can have`);
  }
  const name = backendName(state.backends.length);
  const port = await freePort();
  const first = state.backends[0];
  if (first === undefined) throw new LabError(`lab ${labId} has no backends`);
  const logPath = join(dirname(first.logPath), `${name}.jsonl`);
  const record = await startBackend(
    { name, port, logPath, env: nextEnv(state, name, port, logPath) },
    runtimeOf(state),
  );
  // In the state before anything can fail, so that teardown removes it whatever happens next.
  state.backends.push(record);
  writeLabState(state);
  await waitUntil(() => backendIsUp(record), {
    what: `lab backend ${name} to answer /healthz`,
    timeoutMs: options.timeoutMs ?? 30_000,
    clock: options.clock ?? systemClock,
  });
  await changeBalancer(balancer, changeInput(state), { kind: 'add', server: { name, port } });
  return record;
}

/** The running backend a reference names: its name, port, container id (or a prefix) or container name. */
function findBackend(state: LabState, ref: string): BackendRecord {
  const found = activeBackends(state).find(
    (backend) =>
      backend.name === ref ||
      String(backend.port) === ref ||
      backend.container?.name === ref ||
      (ref.length >= 6 && backend.container?.id.startsWith(ref) === true),
  );
  if (found === undefined) {
    const names = activeBackends(state).map((backend) => `${backend.name} (port ${backend.port})`);
    throw new UsageError(`lab ${state.id} has no running backend ${ref} (its backends: ${names.join(', ')})`);
  }
  return found;
}

async function stopBackend(state: LabState, backend: BackendRecord, clock: Clock): Promise<void> {
  if (backend.container !== undefined) {
    const client = engine();
    await client.act(backend.container.id, 'stop', { timeoutS: exitGraceMs / 1000 });
    await client.removeContainer(backend.container.id);
    return;
  }
  const owned = currentProcess(state, backend);
  if (owned !== undefined) await stopOwned([owned], `lab backend ${backend.name} to exit`, clock);
}

/**
 * Scale in: the balancer drains the backend and stops sending to it; then the backend is stopped (SIGTERM) and
 * its container removed. Its users' sessions go with it where they lived in its memory.
 */
export async function scaleIn(
  labId: string,
  ref: string,
  { clock = systemClock }: ScaleOptions = {},
): Promise<BackendRecord> {
  const state = readLabState(labId);
  const balancer = balancerOf(state);
  const backend = findBackend(state, ref);
  if (activeBackends(state).length === 1) {
    throw new UsageError(`${backend.name} is lab ${labId}'s last backend: a scale in would leave none`);
  }
  backend.removedAt = new Date().toISOString();
  await changeBalancer(balancer, changeInput(state), {
    kind: 'remove',
    server: { name: backend.name, port: backend.port, removed: true },
  });
  await stopBackend(state, backend, clock);
  writeLabState(state);
  return backend;
}
