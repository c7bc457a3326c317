import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { type Clock, systemClock } from '../util/clock.js';
import { type BackendConfig, backendEnv } from './backend/config.js';
import type { GroundTruthLine } from './backend/log.js';
import { startBalancer } from './balancer/start.js';
import { trackLab, untrackLab } from './cleanup.js';
import { requireExecutable } from './components.js';
import { requireDockerEngine } from './docker/cli.js';
import { containerName, containerState, runBackendContainer } from './docker/containers.js';
import { ensureBackendImage } from './docker/image.js';
import { type LabOptions, type ResolvedLabOptions, resolveLabOptions } from './options.js';
import { backendBundlePath } from './paths.js';
import { freePort } from './ports.js';
import { isRunning, spawnOwned } from './processes.js';
import { redisAnswers, startRedis } from './redis.js';
import { type BackendRecord, type LabState, type Runtime, readLabState, writeLabState } from './state.js';
import { teardown } from './teardown.js';
import { waitUntil } from './wait.js';

export type { GroundTruthLine } from './backend/log.js';
export type { LabOptions } from './options.js';
export type { LabState, Runtime } from './state.js';

/** What a running lab is, as plain data (what `lab up --json` prints). */
export interface LabFacts {
  id: string;
  /** The balancer's base URL: where traffic goes. */
  url: string;
  runtime: Runtime;
  sessions: LabState['sessions'];
  users: number;
  password: string;
  cookieName: string;
  balancer: { kind: LabState['balancerKind']; url: string; port: number; pid: number; configPath: string };
  backends: {
    name: string;
    url: string;
    port: number;
    logPath: string;
    containerId?: string;
    containerName?: string;
    pid?: number;
  }[];
  redis?: { url: string; pid: number };
  dir: string;
}

export interface Lab extends LabFacts {
  /** Stops and removes everything the lab started. Safe to call twice. */
  stop(): Promise<void>;
  /** Every backend's log lines (one per request it answered), oldest first. */
  readGroundTruth(): Promise<GroundTruthLine[]>;
}

export interface StartLabDeps {
  clock?: Clock;
}

export function labFacts(state: LabState): LabFacts {
  const { balancer } = state;
  if (balancer === undefined)
    throw new LabError(`lab ${state.id} has no balancer (it did not finish starting)`);
  return {
    id: state.id,
    url: balancer.url,
    runtime: state.runtime,
    sessions: state.sessions,
    users: state.users,
    password: state.password,
    cookieName: state.cookieName,
    balancer: {
      kind: balancer.kind,
      url: balancer.url,
      port: balancer.port,
      pid: balancer.process.pid,
      configPath: balancer.configPath,
    },
    backends: state.backends.map((backend) => ({
      name: backend.name,
      url: backend.url,
      port: backend.port,
      logPath: backend.logPath,
      ...(backend.container
        ? { containerId: backend.container.id, containerName: backend.container.name }
        : {}),
      ...(backend.process ? { pid: backend.process.pid } : {}),
    })),
    ...(state.redis ? { redis: { url: state.redis.url, pid: state.redis.process.pid } } : {}),
    dir: state.dir,
  };
}

export function readGroundTruth(state: LabState): GroundTruthLine[] {
  const lines = state.backends.flatMap((backend) => {
    if (!existsSync(backend.logPath)) return [];
    return readFileSync(backend.logPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as GroundTruthLine);
  });
  return lines.sort((a, b) => a.time.localeCompare(b.time));
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function checkComponents(options: ResolvedLabOptions): void {
  requireExecutable(options.balancer.startsWith('nginx') ? 'nginx' : 'haproxy');
  if (options.sessions === 'redis') requireExecutable('redis-server');
  if (!existsSync(backendBundlePath)) {
    throw new LabError(`the lab backend bundle ${backendBundlePath} is missing`, {
      hint: 'run npm run build',
    });
  }
}

function backendConfigs(options: ResolvedLabOptions, ports: number[], logDir: string, redisUrl?: string) {
  const sharedSecret = randomBytes(32).toString('hex');
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  return ports.map((port, index): BackendConfig => {
    const divergent = options.jwtDivergentSecret && index === ports.length - 1;
    const name = `b${index + 1}`;
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

async function startBackend(state: LabState, config: BackendConfig): Promise<BackendRecord> {
  const logDir = join(state.dir, 'logs');
  const record: BackendRecord = {
    name: config.name,
    port: config.port,
    url: `http://127.0.0.1:${config.port}`,
    logPath: config.logPath,
    outputPath: join(logDir, `${config.name}.out`),
  };
  if (state.runtime === 'process') {
    record.process = spawnOwned(process.execPath, [backendBundlePath], {
      env: backendEnv(config),
      outputPath: record.outputPath,
    });
  } else {
    const name = containerName(state.id, config.name);
    const id = await runBackendContainer({
      labId: state.id,
      name: config.name,
      image: state.image ?? '',
      env: backendEnv(config),
      logDir,
    });
    record.container = { id, name };
  }
  return record;
}

/** Fails at once when a backend died instead of coming up, with what it said. */
async function backendIsUp(backend: BackendRecord): Promise<boolean> {
  if (await answersOk(`${backend.url}/healthz`)) return true;
  const dead = backend.process
    ? !isRunning(backend.process)
    : backend.container !== undefined && (await containerState(backend.container.id)) === 'exited';
  if (dead) {
    const said = backend.process ? tail(backend.outputPath) : `see docker logs ${backend.container?.name}`;
    throw new LabError(`lab backend ${backend.name} exited while starting: ${said}`);
  }
  return false;
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no output)';
  }
}

async function bringUp(state: LabState, options: ResolvedLabOptions, clock: Clock): Promise<void> {
  const wait = { clock, timeoutMs: options.startTimeoutMs };
  const logDir = join(state.dir, 'logs');
  mkdirSync(logDir, { recursive: true });

  if (state.runtime === 'docker') {
    await requireDockerEngine();
    state.image = await ensureBackendImage(backendBundlePath);
  }
  if (options.sessions === 'redis') {
    const redis = startRedis(state.dir, await freePort());
    state.redis = redis;
    writeLabState(state);
    await waitUntil(
      async () => {
        if (!isRunning(redis.process)) throw new LabError(`redis-server exited: ${tail(redis.outputPath)}`);
        return redisAnswers(redis.port);
      },
      { ...wait, what: 'Redis to answer PING' },
    );
  }

  const ports: number[] = [];
  for (let i = 0; i < options.backends; i++) ports.push(await freePort());
  const configs = backendConfigs(options, ports, logDir, state.redis?.url);
  // Each record lands in the state as soon as it exists, so a failure part-way still cleans up all of it.
  await Promise.all(
    configs.map(async (config) => {
      const record = await startBackend(state, config);
      state.backends.push(record);
      writeLabState(state);
    }),
  );
  state.backends.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  await Promise.all(
    state.backends.map((backend) =>
      waitUntil(() => backendIsUp(backend), {
        ...wait,
        what: `lab backend ${backend.name} to answer /healthz`,
      }),
    ),
  );

  const balancer = startBalancer({
    kind: options.balancer,
    port: await freePort(),
    servers: state.backends.map((backend) => ({ name: backend.name, port: backend.port })),
    labDir: state.dir,
    cookieName: options.cookieName,
  });
  state.balancer = balancer;
  writeLabState(state);
  await waitUntil(
    async () => {
      if (!isRunning(balancer.process)) {
        throw new LabError(`${options.balancer} exited while starting: ${tail(balancer.outputPath)}`);
      }
      return answersOk(`${balancer.url}/healthz`);
    },
    { ...wait, what: `${options.balancer} to answer /healthz` },
  );
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
  if (resolved.keepAfterExit) untrackLab(id);

  let stopped: Promise<void> | undefined;
  return {
    ...labFacts(state),
    stop: () => {
      stopped ??= teardown(state, clock).finally(() => untrackLab(id));
      return stopped;
    },
    readGroundTruth: async () => readGroundTruth(state),
  };
}

/** Stops a lab started elsewhere (by `lab up`), found by its id. */
export async function stopLab(id: string): Promise<void> {
  await teardown(readLabState(id));
}
