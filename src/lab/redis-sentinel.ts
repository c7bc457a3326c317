import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { LabError } from '../errors.js';
import { type DelayRelayConfig, holdingLine } from '../lab-contract/relay-config.js';
import type { Clock } from '../util/clock.js';
import { requireExecutable } from './components.js';
import { relayBundlePath } from './paths.js';
import { outputTail } from './probe.js';
import { isRunning, type OwnedProcess, spawnOwned } from './processes.js';
import { type RedisRecord, startRedis } from './redis.js';
import { waitUntil } from './wait.js';

/**
 * The `redis-sentinel` store: a primary, one replica that copies it through the replication link (a relay
 * that delays the primary's bytes by the lab's replication lag, src/lab-relay/), and one Sentinel that watches the primary and
 * promotes the replica when it fails. The backends ask Sentinel where the primary is.
 */

/** The name Sentinel knows the primary by. */
const sentinelMasterName = 'sessions';
/**
 * How long the primary must not answer before Sentinel fails over: 1 s in the lab (Sentinel's default is 30 s,
 * so a deployment's failover takes that much longer).
 */
export const sentinelDownAfterMs = 1000;
/**
 * Sentinel points a replica that copies "another" primary (here: the relay) at the real one after this long,
 * which would take the lag out of the link; a day is longer than any lab runs. With one replica it bounds
 * nothing else a lab does.
 */
const failoverTimeoutMs = 86_400_000;

interface LabProcessRecord {
  port: number;
  configPath: string;
  outputPath: string;
  process: OwnedProcess;
}

export interface SentinelStoreRecord {
  masterName: string;
  /** The replication link's delay. */
  replicationLagMs: number;
  /** The primary the lab started: the `store` chaos target (after a failover the replica is primary). */
  primary: RedisRecord;
  replica: RedisRecord;
  relay: LabProcessRecord;
  /** Started last, once the replica is in sync. */
  sentinel?: LabProcessRecord;
}

export interface SentinelStorePorts {
  primary: number;
  relay: number;
  replica: number;
  sentinel: number;
}

interface Wait {
  clock: Clock;
  timeoutMs: number;
}

function startRelay(dir: string, config: DelayRelayConfig): LabProcessRecord {
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, 'relay.json');
  const outputPath = join(dir, 'output.log');
  writeFileSync(configPath, JSON.stringify(config));
  const owned = spawnOwned(process.execPath, [relayBundlePath, configPath], { env: {}, outputPath });
  return { port: config.port, configPath, outputPath, process: owned };
}

export function sentinelConfig(ports: SentinelStorePorts, dir: string): string {
  return [
    `port ${ports.sentinel}`,
    'bind 127.0.0.1',
    'daemonize no',
    `dir ${dir}`,
    `sentinel monitor ${sentinelMasterName} 127.0.0.1 ${ports.primary} 1`,
    `sentinel down-after-milliseconds ${sentinelMasterName} ${sentinelDownAfterMs}`,
    `sentinel failover-timeout ${sentinelMasterName} ${failoverTimeoutMs}`,
    // Known from the start: Sentinel would otherwise find it in the primary's INFO only some seconds later.
    `sentinel known-replica ${sentinelMasterName} 127.0.0.1 ${ports.replica}`,
    '',
  ].join('\n');
}

function startSentinel(dir: string, ports: SentinelStorePorts): LabProcessRecord {
  mkdirSync(dir, { recursive: true });
  // Sentinel rewrites its config file as it learns: it must be its own, and writable.
  const configPath = join(dir, 'sentinel.conf');
  const outputPath = join(dir, 'output.log');
  writeFileSync(configPath, sentinelConfig(ports, dir));
  const owned = spawnOwned(requireExecutable('redis-sentinel'), [configPath], { env: {}, outputPath });
  return { port: ports.sentinel, configPath, outputPath, process: owned };
}

/** One command to a Redis or Sentinel on 127.0.0.1, on a connection of its own; its reply. */
async function redisCommand(port: number, args: readonly string[]): Promise<unknown> {
  const client = createClient({
    socket: { host: '127.0.0.1', port, connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.sendCommand([...args]);
  } finally {
    client.destroy();
  }
}

async function replying(port: number, args: readonly string[]): Promise<unknown> {
  try {
    return await redisCommand(port, args);
  } catch {
    return undefined;
  }
}

function alive(what: string, record: { process: OwnedProcess; outputPath: string }): void {
  if (!isRunning(record.process))
    throw new LabError(`${what} exited while starting: ${outputTail(record.outputPath)}`);
}

/** Sentinel's view of the replica as field/value pairs (SENTINEL REPLICAS answers a list of flat lists). */
function replicaFields(reply: unknown): Map<string, string> | undefined {
  if (!Array.isArray(reply) || !Array.isArray(reply[0])) return undefined;
  const flat = reply[0] as unknown[];
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(String(flat[i]), String(flat[i + 1]));
  return fields;
}

/**
 * Starts the store and waits until Sentinel would fail over: the replica in sync through the delaying link, and
 * Sentinel watching the primary with the replica known and healthy. `save` is called as each process starts, so
 * that a failure part-way still cleans up all of it.
 */
export async function startSentinelStore(
  labDir: string,
  ports: SentinelStorePorts,
  replicationLagMs: number,
  wait: Wait,
  save: (store: SentinelStoreRecord) => void,
): Promise<SentinelStoreRecord> {
  const dir = join(labDir, 'store');
  const store: SentinelStoreRecord = {
    masterName: sentinelMasterName,
    replicationLagMs,
    primary: startRedis(dir, ports.primary, { name: 'primary' }),
    relay: startRelay(join(dir, 'relay'), {
      port: ports.relay,
      upstreamPort: ports.primary,
      delayMs: replicationLagMs,
    }),
    replica: startRedis(dir, ports.replica, { name: 'replica', replicaOf: ports.relay }),
  };
  save(store);
  const { primary, replica, relay } = store;
  await waitUntil(
    async () => {
      alive('the store primary', primary);
      alive('the store replica', replica);
      alive('the replication link', relay);
      const info = await replying(replica.port, ['INFO', 'replication']);
      return typeof info === 'string' && info.includes('master_link_status:up');
    },
    { ...wait, what: 'the store replica to be in sync with the primary' },
  );
  await waitUntil(
    async () => {
      alive('the replication link', relay);
      return readFileSync(relay.outputPath, 'utf8').includes(holdingLine(replicationLagMs));
    },
    { ...wait, what: 'the replication link to hold the primary bytes' },
  );
  const sentinel = startSentinel(join(dir, 'sentinel'), ports);
  store.sentinel = sentinel;
  save(store);
  await waitUntil(
    async () => {
      alive('redis-sentinel', sentinel);
      const fields = replicaFields(
        await replying(sentinel.port, ['SENTINEL', 'REPLICAS', sentinelMasterName]),
      );
      return fields?.get('flags') === 'slave' && fields.get('master-link-status') === 'ok';
    },
    { ...wait, what: 'Sentinel to watch the primary and know its replica' },
  );
  return store;
}

/** The processes of the store, for teardown. */
export function storeProcesses(store: SentinelStoreRecord): OwnedProcess[] {
  return [store.sentinel?.process, store.relay.process, store.replica.process, store.primary.process].filter(
    (owned): owned is OwnedProcess => owned !== undefined,
  );
}

/** One failover Sentinel made: when (epoch ms, from its log) and the ports of the old and the new primary. */
export interface StoreFailover {
  atMs: number;
  from: number;
  to: number;
}

/**
 * The failovers in Sentinel's log, from its `+switch-master <name> <ip> <port> <ip> <port>` lines. Sentinel
 * stamps them with this machine's local time to the millisecond ("04 Dec 2026 01:30:23.444").
 */
export function parseFailovers(log: string): StoreFailover[] {
  const line =
    /^\d+:X (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) # \+switch-master \S+ \S+ (\d+) \S+ (\d+)$/;
  return log.split('\n').flatMap((text) => {
    const match = line.exec(text.trim());
    if (match?.[1] === undefined) return [];
    return [{ atMs: new Date(match[1]).getTime(), from: Number(match[2]), to: Number(match[3]) }];
  });
}
