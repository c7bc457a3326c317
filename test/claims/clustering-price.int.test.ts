import { beforeAll, describe, expect, it } from 'vitest';
import type { BackendStats } from '../../src/matrix/backend-stats.js';
import { matrixRow } from '../../src/matrix/table.js';
import { bundleBackend } from '../lab/helpers.js';
import { type Measured, measure, variant } from './helpers.js';

/**
 * Seed claim on session clustering's price: "memory grows because every server holds every session;
 * replication costs network traffic". Measured from the lab backends' GET /stats after the same traffic on
 * three designs (3 backends, round robin, 30 users, relogin never so that the sessions made are the logins):
 * memory sessions split about 1/N on each backend, clustering N times that on each, Redis none in any backend.
 */
const sameTraffic = { chaos: undefined, relogin: 'never', traffic: { users: 30, duration: '2s' } };

function statsOf(measured: Measured): BackendStats[] {
  const stats = measured.outcome.lab?.stats;
  if (stats === undefined || stats.length !== 3) throw new Error('expected /stats from 3 backends');
  return stats;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

describe("claim: clustering's price in memory and network", () => {
  let memory: BackendStats[];
  let clustering: BackendStats[];
  let redis: BackendStats[];
  let clusteringRun: Measured;
  beforeAll(async () => {
    bundleBackend();
    memory = statsOf(await measure(variant('round-robin-memory.yaml', sameTraffic), 'process'));
    clusteringRun = await measure(variant('clustering.yaml', sameTraffic), 'process');
    clustering = statsOf(clusteringRun);
    redis = statsOf(await measure(variant('external-store-redis.yaml', sameTraffic), 'process'));
    const held = (stats: BackendStats[]): string =>
      `${stats.map((backend) => backend.sessions).join('/')} sessions, ` +
      `${stats.map((backend) => backend.sessionBytes).join('/')} B`;
    console.log(
      `clustering's price (3 backends, 30 users): memory ${held(memory)}; clustering ${held(clustering)}, ` +
        `replication sent ${sum(clustering.map((backend) => backend.replication?.sentBytes ?? 0))} B ` +
        `(${matrixRow(clusteringRun.outcome).replication}); Redis ${held(redis)}, store ${redis[0]?.storeSessions} sessions`,
    );
  });

  it('memory sessions: each backend holds about 1/N of them', () => {
    const total = sum(memory.map((backend) => backend.sessions));
    // The 30 users' logins and the preflight's probe logins, no more (relogin never).
    expect(total).toBeGreaterThanOrEqual(30);
    for (const backend of memory) {
      // Round robin spreads the logins evenly: a third each, give or take the probes.
      expect(backend.sessions).toBeGreaterThan(total * 0.2);
      expect(backend.sessions).toBeLessThan(total * 0.5);
    }
    expect(memory.every((backend) => backend.replication === null)).toBe(true);
  });

  it('clustering: every backend holds every session, N times the memory design, and bytes likewise', () => {
    const counts = clustering.map((backend) => backend.sessions);
    // Exact: after the replication lag every backend has the same sessions.
    expect(new Set(counts).size).toBe(1);
    expect(clustering[0]?.sessions).toBe(sum(memory.map((backend) => backend.sessions)));
    const perBackendMemory = sum(memory.map((backend) => backend.sessionBytes)) / memory.length;
    for (const backend of clustering) {
      expect(backend.sessionBytes / perBackendMemory).toBeGreaterThan(2.5);
      expect(backend.sessionBytes / perBackendMemory).toBeLessThan(3.5);
    }
  });

  it('clustering: replication traffic between the peers, each session sent to N-1 of them', () => {
    const sent = sum(clustering.map((backend) => backend.replication?.sentBytes ?? 0));
    const received = sum(clustering.map((backend) => backend.replication?.receivedBytes ?? 0));
    // Exact: every message a peer took (and every copy a joining backend asked for) is counted once by the
    // sender and once by the receiver.
    expect(received).toBe(sent);
    // Each backend's sessions but its own came from its peers: (N-1) copies of every session's bytes, plus
    // the message framing ({"sid":..,"session":..}).
    const sessionBytes = clustering[0]?.sessionBytes ?? 0;
    expect(sent).toBeGreaterThan(2 * sessionBytes);
    expect(sent).toBeLessThan(2 * sessionBytes * 2);
    const row = matrixRow(clusteringRun.outcome);
    expect(row['sessions held']).toBe(clustering.map((backend) => backend.sessions).join('/'));
    expect(row.replication).toMatch(/^\d+(\.\d)? k?B\/s$/);
  });

  it('Redis: no backend holds a session; the store holds them all', () => {
    expect(redis.map((backend) => [backend.sessions, backend.sessionBytes])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(redis.every((backend) => backend.replication === null)).toBe(true);
    expect(redis[0]?.storeSessions).toBe(sum(memory.map((backend) => backend.sessions)));
  });
});
