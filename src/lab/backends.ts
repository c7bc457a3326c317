import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LabError } from '../errors.js';
import { type BackendConfig, backendEnv } from '../lab-contract/backend-config.js';
import { containerName, containerState, runBackendContainer } from './docker/containers.js';
import { maxBackends, type ResolvedLabOptions, serviceNames } from './options.js';
import { backendBundlePath } from './paths.js';
import { answersOk, outputTail } from './probe.js';
import { isRunning, spawnOwned } from './processes.js';
import type { BackendRecord } from './state.js';

/** Where the backends find the lab's store, in the store modes. */
export type BackendStore = Pick<BackendConfig, 'redisUrl' | 'redisSentinel'>;

/** A lab of one application's n-th backend (from 0) is b<n+1>; names are never given twice, not even after a scale in. */
export function backendName(index: number): string {
  return `b${index + 1}`;
}

/** The names a lab of one application with `count` backends may still add by scaling out. */
export function spareBackendNames(count: number): string[] {
  return Array.from({ length: Math.max(0, maxBackends - count) }, (_, i) => backendName(count + i));
}

/** A backend's configuration and the service it belongs to, in a lab of services. */
export type LabBackendConfig = BackendConfig & { service?: string };

/** The services of a lab (none for one application) and how many backends the lab has in all. */
export function labServices(options: Pick<ResolvedLabOptions, 'services'>): string[] {
  return options.services === 1 ? [] : serviceNames.slice(0, options.services);
}

/**
 * Backends b1..bN, or per service a1..aN, b1..bN: peers for replication and the JWT secret within the session
 * scope (the last backend's own with jwtDivergentSecret), seeds apart.
 */
export function backendConfigs(
  options: ResolvedLabOptions,
  ports: readonly number[],
  logDir: string,
  store: BackendStore = { redisUrl: undefined, redisSentinel: undefined },
): LabBackendConfig[] {
  const services = labServices(options);
  const slots = ports.map((port, index) => {
    const service = services[Math.floor(index / options.backends)];
    const number = services.length === 0 ? index + 1 : (index % options.backends) + 1;
    return { port, service, name: `${service ?? 'b'}${number}` };
  });
  // The scope a session is checked within: the whole lab, or each service of it.
  const scopeOf = (slot: (typeof slots)[number]): string =>
    options.sessionScope === 'per-service' ? (slot.service ?? '') : '';
  const secrets = new Map(slots.map((slot) => [scopeOf(slot), randomBytes(32).toString('hex')]));
  return slots.map((slot, index) => {
    const { port, name } = slot;
    const divergent = options.jwtDivergentSecret && index === ports.length - 1;
    const peers = slots
      .filter((other) => other !== slot && scopeOf(other) === scopeOf(slot))
      .map((other) => `http://127.0.0.1:${other.port}`);
    return {
      ...(slot.service === undefined ? {} : { service: slot.service }),
      name,
      host: '127.0.0.1',
      port,
      sessions: options.sessions,
      users: options.users,
      password: options.password,
      logPath: join(logDir, `${name}.jsonl`),
      cookieName: options.cookieName,
      sessionTtlSeconds: options.sessionTtlSeconds,
      loggedOut: options.loggedOut,
      peers: options.sessions === 'replicated' ? peers : [],
      replicationLagMs: options.replicationLagMs,
      redisUrl: store.redisUrl,
      redisSentinel: store.redisSentinel,
      jwtSecret:
        options.sessions === 'jwt'
          ? divergent
            ? randomBytes(32).toString('hex')
            : secrets.get(scopeOf(slot))
          : undefined,
      wrongUserRate: options.wrongUserRate,
      seed: options.seed + index,
    };
  });
}

/** Where a backend runs: the same bundled program as a process, or in a container of the lab image. */
export type BackendRuntime = { kind: 'process' } | { kind: 'docker'; labId: string; image: string };

/** One backend to start: its name, port, log and service, and the environment that configures it (backendEnv). */
export interface BackendLaunch {
  name: string;
  service?: string;
  port: number;
  logPath: string;
  env: Record<string, string>;
}

export function launchOf(config: LabBackendConfig): BackendLaunch {
  return {
    name: config.name,
    ...(config.service === undefined ? {} : { service: config.service }),
    port: config.port,
    logPath: config.logPath,
    env: backendEnv(config),
  };
}

export async function startBackend(launch: BackendLaunch, runtime: BackendRuntime): Promise<BackendRecord> {
  const logDir = dirname(launch.logPath);
  const record: BackendRecord = {
    name: launch.name,
    ...(launch.service === undefined ? {} : { service: launch.service }),
    port: launch.port,
    url: `http://127.0.0.1:${launch.port}`,
    logPath: launch.logPath,
    outputPath: join(logDir, `${launch.name}.out`),
    env: launch.env,
  };
  if (runtime.kind === 'process') {
    record.process = spawnOwned(process.execPath, [backendBundlePath], {
      env: launch.env,
      outputPath: record.outputPath,
    });
  } else {
    const id = await runBackendContainer({
      labId: runtime.labId,
      name: launch.name,
      image: runtime.image,
      env: launch.env,
      logDir,
    });
    record.container = { id, name: containerName(runtime.labId, launch.name) };
  }
  return record;
}

/** True once /healthz answers; throws at once when the backend died instead, with what it said. */
export async function backendIsUp(backend: BackendRecord): Promise<boolean> {
  if (await answersOk(`${backend.url}/healthz`)) return true;
  if (backend.process && !isRunning(backend.process)) {
    throw new LabError(
      `lab backend ${backend.name} exited while starting: ${outputTail(backend.outputPath)}`,
    );
  }
  if (backend.container && (await containerState(backend.container.id)) === 'exited') {
    throw new LabError(
      `lab backend ${backend.name} exited while starting; see docker logs ${backend.container.name}`,
    );
  }
  return false;
}
