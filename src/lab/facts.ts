import { existsSync, readFileSync } from 'node:fs';
import { LabError } from '../errors.js';
import type { GroundTruthLine } from '../lab-contract/backend-records.js';
import { servicePrefix } from './balancer/gateway.js';
import type { SessionScope } from './options.js';
import { cliPath } from './paths.js';
import type { BackendRecord, LabState, Runtime } from './state.js';

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
  /**
   * Services behind the balancer as a gateway that routes by path: each reached under its `prefix` (`/a/`),
   * with its own backends (by name) and whether sessions are shared between them. Absent for one application.
   */
  services?: { name: string; prefix: string; backends: string[] }[];
  sessionScope?: SessionScope;
  backends: {
    name: string;
    /** The service it belongs to, in a lab of services. */
    service?: string;
    url: string;
    port: number;
    logPath: string;
    containerId?: string;
    containerName?: string;
    pid?: number;
  }[];
  redis?: { url: string; pid: number };
  /**
   * The session store chaos calls `store` (a profile's `target: { name: store }`): the lab's Redis, or the
   * primary the redis-sentinel store started with. `respawnCommand` starts it again on its port, empty, as the
   * process driver's start command takes it (whatever runs the backends: the store is always a process).
   */
  store?: { port: number; pid: number; respawnCommand: string[] };
  /** redis-sentinel: the store's processes, and the delay of the replica's link. */
  sentinelStore?: {
    masterName: string;
    replicationLagMs: number;
    primary: { port: number; pid: number };
    replica: { port: number; pid: number };
    relay: { port: number; pid: number };
    sentinel?: { port: number; pid: number; logPath: string };
  };
  /**
   * Process runtime: the command (no shell) that starts a stopped backend again, `{port}` standing for its
   * port, as the process chaos driver's `start` takes it.
   */
  respawnCommand?: string[];
  /**
   * The commands (no shell) that scale the lab by one backend, as the chaos drivers' scale commands take them:
   * `out` prints the backend it added as a line of JSON whose `target` selects it; `in` removes `{target}` (a
   * container id or a port).
   */
  scaleCommands: { out: string[]; in: string[] };
  /** Everything the lab writes (configs, logs) is under this directory, removed by stop. */
  dir: string;
}

/** How a chaos driver selects a backend: a container by id, a process by its port. */
export function backendSelector(backend: BackendRecord): { id: string } | { port: number } {
  return backend.container === undefined ? { port: backend.port } : { id: backend.container.id };
}

/** One backend as plain data (`lab up --json`, `lab scale --json`). */
export function backendFacts(backend: BackendRecord): LabFacts['backends'][number] {
  return {
    name: backend.name,
    url: backend.url,
    port: backend.port,
    logPath: backend.logPath,
    ...(backend.container
      ? { containerId: backend.container.id, containerName: backend.container.name }
      : {}),
    ...(backend.process ? { pid: backend.process.pid } : {}),
  };
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
    ...(state.services === undefined
      ? {}
      : {
          services: state.services.map((name) => ({
            name,
            prefix: servicePrefix(name),
            backends: state.backends.filter((b) => b.service === name).map((b) => b.name),
          })),
        }),
    ...(state.sessionScope === undefined ? {} : { sessionScope: state.sessionScope }),
    backends: state.backends.map(backendFacts),
    ...(state.redis ? { redis: { url: state.redis.url, pid: state.redis.process.pid } } : {}),
    ...storeFacts(state),
    ...(state.runtime === 'process' ? { respawnCommand: respawnCommand(state) } : {}),
    scaleCommands: scaleCommands(state),
    dir: state.dir,
  };
}

function respawnCommand(state: LabState): string[] {
  return [process.execPath, cliPath, 'lab', 'respawn', state.id, '--port', '{port}'];
}

function scaleCommands(state: LabState): LabFacts['scaleCommands'] {
  const scale = [process.execPath, cliPath, 'lab', 'scale', state.id];
  return { out: [...scale, 'out', '--json'], in: [...scale, 'in', '--backend', '{target}', '--json'] };
}

function storeFacts(state: LabState): Pick<LabFacts, 'store' | 'sentinelStore'> {
  const { redis, sentinelStore: sentinel } = state;
  if (redis !== undefined) {
    return { store: { port: redis.port, pid: redis.process.pid, respawnCommand: respawnCommand(state) } };
  }
  if (sentinel === undefined) return {};
  const of = (record: { port: number; process: { pid: number } }) => ({
    port: record.port,
    pid: record.process.pid,
  });
  return {
    store: { ...of(sentinel.primary), respawnCommand: respawnCommand(state) },
    sentinelStore: {
      masterName: sentinel.masterName,
      replicationLagMs: sentinel.replicationLagMs,
      primary: of(sentinel.primary),
      replica: of(sentinel.replica),
      relay: of(sentinel.relay),
      ...(sentinel.sentinel === undefined
        ? {}
        : { sentinel: { ...of(sentinel.sentinel), logPath: sentinel.sentinel.outputPath } }),
    },
  };
}

/** Every backend's log lines, oldest first (lines of one backend keep their order). */
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
