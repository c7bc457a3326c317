import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { LabError } from '../errors.js';
import { type BackendConfig, backendEnv } from '../lab-contract/backend-config.js';
import { containerName, containerState, runBackendContainer } from './docker/containers.js';
import type { ResolvedLabOptions } from './options.js';
import { backendBundlePath } from './paths.js';
import { answersOk, outputTail } from './probe.js';
import { isRunning, spawnOwned } from './processes.js';
import type { BackendRecord } from './state.js';

/** Backends b1..bN: peers for replication, one shared JWT secret (or the last one's own), seeds apart. */
export function backendConfigs(
  options: ResolvedLabOptions,
  ports: readonly number[],
  logDir: string,
  redisUrl: string | undefined,
): BackendConfig[] {
  const sharedSecret = randomBytes(32).toString('hex');
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  return ports.map((port, index) => {
    const name = `b${index + 1}`;
    const divergent = options.jwtDivergentSecret && index === ports.length - 1;
    return {
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
      peers: options.sessions === 'replicated' ? urls.filter((_, i) => i !== index) : [],
      replicationLagMs: options.replicationLagMs,
      redisUrl,
      jwtSecret:
        options.sessions === 'jwt' ? (divergent ? randomBytes(32).toString('hex') : sharedSecret) : undefined,
      wrongUserRate: options.wrongUserRate,
      seed: options.seed + index,
    };
  });
}

/** Where a backend runs: the same bundled program as a process, or in a container of the lab image. */
export type BackendRuntime = { kind: 'process' } | { kind: 'docker'; labId: string; image: string };

export async function startBackend(config: BackendConfig, runtime: BackendRuntime): Promise<BackendRecord> {
  const logDir = dirname(config.logPath);
  const record: BackendRecord = {
    name: config.name,
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
