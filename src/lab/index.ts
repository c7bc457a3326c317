import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import type { GroundTruthLine } from '../lab-contract/backend-records.js';
import { type Clock, systemClock } from '../util/clock.js';
import {
  type BackendRuntime,
  backendConfigs,
  backendIsUp,
  labServices,
  launchOf,
  spareBackendNames,
  startBackend,
} from './backends.js';
import { familyOf } from './balancer/registry.js';
import { balancerIsUp, startBalancer } from './balancer/start.js';
import { trackLab, untrackLab } from './cleanup.js';
import { findProgram, requireExecutable } from './components.js';
import { requireDockerEngine } from './docker/cli.js';
import { ensureBackendImage } from './docker/image.js';
import { type LabFacts, labFacts, readGroundTruth } from './facts.js';
import { type LabOptions, type ResolvedLabOptions, resolveLabOptions } from './options.js';
import { backendBundlePath, relayBundlePath } from './paths.js';
import { freePort } from './ports.js';
import { thisProcess } from './processes.js';
import { type BackendRecord, type LabState, latestLabState, readLabState, writeLabState } from './state.js';
import { startStore } from './store.js';
import { teardown } from './teardown.js';
import { waitUntil } from './wait.js';

export type { GroundTruthLine } from '../lab-contract/backend-records.js';
export type { LabFacts } from './facts.js';
export type { LabOptions } from './options.js';

export interface Lab extends LabFacts {
  /** Stops and removes everything the lab started. Safe to call twice. */
  stop(): Promise<void>;
  /** Every backend's log lines (one per request it answered), oldest first. */
  readGroundTruth(): Promise<GroundTruthLine[]>;
}

export interface StartLabDeps {
  clock?: Clock;
}

function checkComponents(options: ResolvedLabOptions): void {
  const family = familyOf(options.balancer);
  if (family.program !== undefined) findProgram(family.program);
  if (options.sessions === 'redis' || options.sessions === 'redis-sentinel')
    requireExecutable('redis-server');
  if (options.sessions === 'redis-sentinel') requireExecutable('redis-sentinel');
  const bundles = [backendBundlePath, ...family.bundles];
  if (options.sessions === 'redis-sentinel') bundles.push(relayBundlePath);
  for (const bundle of bundles) {
    if (!existsSync(bundle)) {
      throw new LabError(`the lab bundle ${bundle} is missing`, { hint: 'run npm run build' });
    }
  }
}

async function bringUp(state: LabState, options: ResolvedLabOptions, clock: Clock): Promise<void> {
  const wait = { clock, timeoutMs: options.startTimeoutMs };
  const logDir = join(state.dir, 'logs');
  mkdirSync(logDir, { recursive: true });

  let runtime: BackendRuntime = { kind: 'process' };
  if (state.runtime === 'docker') {
    await requireDockerEngine();
    state.image = await ensureBackendImage(backendBundlePath);
    runtime = { kind: 'docker', labId: state.id, image: state.image };
  }
  const store = await startStore(state, options, wait);

  const services = labServices(options);
  const ports: number[] = [];
  for (let i = 0; i < options.backends * Math.max(1, services.length); i++) ports.push(await freePort());
  const configs = backendConfigs(options, ports, logDir, store);
  // Each record lands in the state as soon as it exists, so a failure part-way still cleans up all of it.
  await Promise.all(
    configs.map(async (config) => {
      state.backends.push(await startBackend(launchOf(config), runtime));
      writeLabState(state);
    }),
  );
  // Services in order (a1, a2, b1, b2), then by number.
  state.backends.sort((a, b) =>
    `${a.service ?? ''} ${a.name}`.localeCompare(`${b.service ?? ''} ${b.name}`, 'en', { numeric: true }),
  );
  await Promise.all(
    state.backends.map((backend) =>
      waitUntil(() => backendIsUp(backend), {
        ...wait,
        what: `lab backend ${backend.name} to answer /healthz`,
      }),
    ),
  );

  const upstream = (backend: BackendRecord) => ({ name: backend.name, port: backend.port });
  const balancer = startBalancer({
    kind: options.balancer,
    port: await freePort(),
    servers: state.backends.map(upstream),
    ...(services.length === 0 ? { spare: spareBackendNames(state.backends.length) } : {}),
    labDir: state.dir,
    cookieName: options.cookieName,
    ...(services.length === 0
      ? {}
      : {
          routes: services.map((service) => ({
            service,
            servers: state.backends.filter((backend) => backend.service === service).map(upstream),
          })),
        }),
  });
  state.balancer = balancer;
  writeLabState(state);
  await waitUntil(() => balancerIsUp(balancer), { ...wait, what: `${options.balancer} to answer /healthz` });
}

/**
 * Starts a lab: backends (containers or processes), Redis when the sessions need it, and a balancer in front,
 * and waits until the balancer answers. On any failure everything started so far is removed.
 */
export async function startLab(options: LabOptions, deps: StartLabDeps = {}): Promise<Lab> {
  const resolved = resolveLabOptions(options);
  const clock = deps.clock ?? systemClock;
  checkComponents(resolved);

  const id = randomBytes(4).toString('hex');
  const state: LabState = {
    id,
    createdAt: new Date().toISOString(),
    dir: mkdtempSync(join(tmpdir(), `session-chaos-lab-${id}-`)),
    runtime: resolved.runtime,
    sessions: resolved.sessions,
    balancerKind: resolved.balancer,
    users: resolved.users,
    password: resolved.password,
    cookieName: resolved.cookieName,
    ...(resolved.services === 1
      ? {}
      : { services: labServices(resolved), sessionScope: resolved.sessionScope }),
    owner: thisProcess(),
    backends: [],
  };
  writeLabState(state);
  trackLab(state);
  try {
    await bringUp(state, resolved, clock);
  } catch (error) {
    untrackLab(id);
    await teardown(state, clock);
    throw error;
  }
  if (resolved.keepAfterExit) {
    untrackLab(id);
    delete state.owner;
    writeLabState(state);
  }

  let stopped: Promise<void> | undefined;
  return {
    ...labFacts(state),
    stop: () => {
      stopped ??= teardown(state, clock).finally(() => untrackLab(id));
      return stopped;
    },
    readGroundTruth: async () => readGroundTruth(latestLabState(state)),
  };
}

/** Stops a lab started elsewhere (by `lab up`), found by its id. */
export async function stopLab(id: string): Promise<void> {
  await teardown(readLabState(id));
}
