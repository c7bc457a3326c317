import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { SessionMode } from '../lab-contract/backend-config.js';
import type { BalancerKind } from './balancer/registry.js';
import type { BalancerRecord } from './balancer/start.js';
import type { SessionScope } from './options.js';
import { isRunning, type OwnedProcess } from './processes.js';
import type { RedisRecord } from './redis.js';
import type { SentinelStoreRecord } from './redis-sentinel.js';

export type Runtime = 'docker' | 'process';

export interface BackendRecord {
  name: string;
  /** In a lab of services: the service it belongs to (`a`), reached under `/a/` through the gateway. */
  service?: string;
  port: number;
  url: string;
  /** Ground-truth log: one JSON line per request (see GroundTruthLine). */
  logPath: string;
  /** stdout and stderr of the backend (process runtime; containers keep theirs in `docker logs`). */
  outputPath: string;
  process?: OwnedProcess;
  /**
   * The environment it was started with: chaos starts a process backend again with it (respawn.ts), and a
   * scale out starts a new backend from it (scale.ts).
   */
  env?: Record<string, string>;
  container?: { id: string; name: string };
  /** When a scale in took it out of the balancer and stopped it (ISO time); its log is still ground truth. */
  removedAt?: string;
}

/**
 * Everything one lab started, written to a state file as it starts, so that `lab down` in another process,
 * or cleanup after a crash mid-start, finds all of it.
 */
export interface LabState {
  id: string;
  createdAt: string;
  dir: string;
  runtime: Runtime;
  sessions: SessionMode;
  balancerKind: BalancerKind;
  users: number;
  password: string;
  cookieName: string;
  /** Services behind the balancer as a gateway (`a`, `b`); absent for one application. */
  services?: string[];
  /** With services: whether they share the session store, key or peers, or each has its own. */
  sessionScope?: SessionScope;
  /**
   * The process the lab belongs to (a test, a run): it tears the lab down when it ends. Absent for a lab that
   * `lab up` left running, which only `lab down` removes.
   */
  owner?: OwnedProcess;
  image?: string;
  redis?: RedisRecord;
  sentinelStore?: SentinelStoreRecord;
  backends: BackendRecord[];
  balancer?: BalancerRecord;
}

export function labStateDir(): string {
  return join(tmpdir(), 'session-chaos-lab');
}

function statePath(id: string): string {
  return join(labStateDir(), `${id}.json`);
}

export function writeLabState(state: LabState): void {
  mkdirSync(labStateDir(), { recursive: true });
  // It holds the backends' secrets (JWT keys, the password): for this user only.
  writeFileSync(statePath(state.id), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function readLabState(id: string): LabState {
  if (!/^[0-9a-f]+$/.test(id)) throw new UsageError(`"${id}" is not a lab id`);
  try {
    return JSON.parse(readFileSync(statePath(id), 'utf8')) as LabState;
  } catch {
    throw new UsageError(`no lab with id ${id} (no state file in ${labStateDir()})`);
  }
}

/**
 * The state as its file has it now, else as this process knows it: a scale (another process) adds backends
 * to the file that the lab's owner did not start.
 */
export function latestLabState(state: LabState): LabState {
  try {
    return JSON.parse(readFileSync(statePath(state.id), 'utf8')) as LabState;
  } catch {
    return state;
  }
}

export function listLabStates(): LabState[] {
  let names: string[];
  try {
    names = readdirSync(labStateDir());
  } catch {
    return [];
  }
  return names
    .filter((name) => /^[0-9a-f]+\.json$/.test(name))
    .map((name) => readLabState(name.slice(0, -'.json'.length)));
}

/** A lab no running process answers for: left by `lab up`, or by a process that died without cleaning up. */
export function isUnowned(state: LabState): boolean {
  return state.owner === undefined || !isRunning(state.owner);
}

export function removeLabState(id: string): void {
  rmSync(statePath(id), { force: true });
}
