import type { BenchContext } from './lab.js';
import { password } from './lab.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { runNodeChild } from './spawn.js';
import { formatSpread, type Spread, spread } from './stats.js';

const offlineSeconds = 5;

interface OfflineRun {
  requests: number;
  cpuMicrosPerRequest: number;
  cpuUserMicrosPerRequest: number;
  cpuSystemMicrosPerRequest: number;
}

export interface OfflineFigures {
  runs: OfflineRun[];
  /** CPU per request over the runs, microseconds. */
  summary: Spread;
}

export interface OfflineOptions {
  users: number;
  rounds: number;
}

/**
 * session-chaos's own CPU per request, with the network replaced by a stand-in for the lab (see
 * `offline-agent.ts`): the same child, profile and pipeline as the throughput rows, without the kernel's
 * loopback work or a lab sharing the cores. It moves by a few percent between runs instead of 10-20%, so a
 * change to the engine's hot path can be measured here before the lab says anything.
 */
export async function offlineSection(
  options: OfflineOptions,
  { log }: BenchContext,
): Promise<OfflineFigures> {
  const runs: OfflineRun[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    log(`offline engine, round ${round}/${options.rounds}`);
    const engine: EngineOptions = {
      url: 'http://127.0.0.1:9',
      users: options.users,
      durationSeconds: offlineSeconds,
      password,
      offline: true,
    };
    const measured = await runNodeChild<EngineResult>('./load-engine.ts', engine, {
      watched: [],
      timeoutMs: offlineSeconds * 1000 + 60_000,
    });
    const { requests, loggedIn, bad } = measured.result;
    if (loggedIn !== options.users || bad > 0) {
      throw new Error(`offline run: ${loggedIn} of ${options.users} users logged in, ${bad} answers not ok`);
    }
    const perRequest = (micros: number): number => Math.round((micros / requests) * 100) / 100;
    runs.push({
      requests,
      cpuMicrosPerRequest: perRequest(measured.cpuMicros),
      cpuUserMicrosPerRequest: perRequest(measured.cpu.user),
      cpuSystemMicrosPerRequest: perRequest(measured.cpu.system),
    });
  }
  const figures: OfflineFigures = { runs, summary: spread(runs.map((run) => run.cpuMicrosPerRequest)) };
  process.stdout.write(`\n${formatOffline(figures, options.users)}`);
  return figures;
}

export function formatOffline(figures: OfflineFigures, users: number): string {
  const rate = spread(figures.runs.map((run) => run.requests)).median / offlineSeconds;
  return (
    `Offline: session-chaos's own CPU per request, network replaced by a stand-in (${users} VUs, ` +
    `${figures.runs.length} x ${offlineSeconds} s): ${formatSpread(figures.summary, 2)} us ` +
    `(${Math.round(rate).toLocaleString('en-US')} req/s on one core)\n`
  );
}
