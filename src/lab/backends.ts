import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LabError } from '../errors.js';
import { type BackendConfig, backendEnv } from '../lab-contract/backend-config.js';
import { containerName, containerState, runBackendContainer } from './docker/containers.js';
import { type ResolvedLabOptions, serviceNames } from './options.js';
import { backendBundlePath } from './paths.js';
import { answersOk, outputTail } from './probe.js';
import { isRunning, spawnOwned } from './processes.js';
import type { BackendRecord } from './state.js';

/** Where the backends find the lab's store, in the store modes. */
export type BackendStore = Pick<BackendConfig, 'redisUrl' | 'redisSentinel'>;

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

export async function startBackend(
  config: LabBackendConfig,
  runtime: BackendRuntime,
): Promise<BackendRecord> {
  const logDir = dirname(config.logPath);
  const record: BackendRecord = {
    name: config.name,
    ...(config.service === undefined ? {} : { service: config.service }),
    port: config.port,
    url: `http://127.0.0.1:${config.port}`,
    logPath: config.logPath,
    outputPath: join(logDir, `${config.name}.out`),
  };
  if (runtime.kind === 'process') {
    record.env = backendEnv(config);
    record.process = spawnOwned(process.execPath, [backendBundlePath], {
      env: record.env,
      outputPath: record.outputPath,
    });
  } else {
    const id = await runBackendContainer({
      labId: runtime.labId,
      name: config.name,
      image: runtime.image,
      env: backendEnv(config),
      logDir,
    });
    record.container = { id, name: containerName(runtime.labId, config.name) };
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
