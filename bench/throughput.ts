import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import Table from 'cli-table3';
import type { Lab } from '../src/lab/index.js';
import type { BenchConfig } from './config.js';
import { type BenchContext, fixedCookie, password, watchedOf } from './lab.js';
import type { AutocannonOptions, LoadResult } from './load-autocannon.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { type Measured, runNativeChild, runNodeChild } from './spawn.js';
import { formatSpread, parseWrk, type Spread, spread } from './stats.js';

const wrkPath = '/usr/bin/wrk';
const warmUpSeconds = 3;

export type Generator =
  | 'autocannon'
  | 'wrk'
  | 'http loop'
  | 'undici loop'
  | 'session-chaos'
  | 'session-chaos (undici)';

export interface RunFigures {
  generator: Generator;
  round: number;
  requests: number;
  bad: number;
  reqPerSec: number;
  cpuMicrosPerRequest: number;
  cpuUserMicrosPerRequest: number;
  cpuSystemMicrosPerRequest: number;
  /** CPU of HAProxy, the backends and Redis per request: what the generator's traffic costs the lab. */
  labMicrosPerRequest: number;
  /** Percent of one core over the run, per process; `others` is the rest of the machine. */
  cpuPercent: Record<string, number>;
  seconds: number;
}

export interface GeneratorSummary {
  reqPerSec: Spread;
  cpuMicrosPerRequest: Spread;
  cpuUserMicrosPerRequest: number;
  cpuSystemMicrosPerRequest: number;
  /** Of the medians, three decimals: 0.996x must not pass a 1.0x target by rounding. */
  ratioToAutocannon: number;
  labMicrosPerRequest: Spread;
  bad: number;
}

export interface ThroughputFigures {
  runs: RunFigures[];
  generators: Partial<Record<Generator, GeneratorSummary>>;
  /** session-chaos's req/s over autocannon's within each round (same minutes, same machine state). */
  sessionChaosToAutocannonPerRound: number[];
  saturation: string[];
}

/** One run's figures from the child's measurement and its own count of requests. */
export function runFigures(
  generator: Generator,
  round: number,
  measured: Measured<unknown>,
  load: LoadResult,
): RunFigures {
  const perRequest = (micros: number): number => Math.round((micros / load.requests) * 10) / 10;
  const percent = (micros: number): number => Math.round(micros / measured.windowMs / 10);
  const cpuPercent: Record<string, number> = { client: percent(measured.cpuMicros) };
  let watchedTotal = measured.cpuMicros;
  for (const [name, micros] of Object.entries(measured.watchedCpuMicros)) {
    cpuPercent[name] = percent(micros);
    watchedTotal += micros;
  }
  // Whatever else ran on the machine meanwhile (the machine may be shared): it takes cores from the lab.
  cpuPercent.others = Math.max(0, percent(measured.machineBusyMicros - watchedTotal));
  return {
    generator,
    round,
    requests: load.requests,
    bad: load.bad,
    reqPerSec: Math.round(load.requests / (load.durationMs / 1000)),
    cpuMicrosPerRequest: perRequest(measured.cpuMicros),
    cpuUserMicrosPerRequest: perRequest(measured.cpu.user),
    cpuSystemMicrosPerRequest: perRequest(measured.cpu.system),
    labMicrosPerRequest: perRequest(watchedTotal - measured.cpuMicros),
    cpuPercent,
    seconds: Math.round((measured.windowMs / 1000) * 100) / 100,
  };
}

/** Each generator's medians and ranges over its rounds, and its ratio to autocannon's median req/s. */
export function summarize(runs: readonly RunFigures[]): Partial<Record<Generator, GeneratorSummary>> {
  const of = (generator: Generator): RunFigures[] => runs.filter((run) => run.generator === generator);
  const autocannon = of('autocannon');
  const autocannonRate =
    autocannon.length === 0 ? Number.NaN : spread(autocannon.map((run) => run.reqPerSec)).median;
  const summary: Partial<Record<Generator, GeneratorSummary>> = {};
  for (const generator of new Set(runs.map((run) => run.generator))) {
    const mine = of(generator);
    const reqPerSec = spread(mine.map((run) => run.reqPerSec));
    summary[generator] = {
      reqPerSec,
      cpuMicrosPerRequest: spread(mine.map((run) => run.cpuMicrosPerRequest)),
      cpuUserMicrosPerRequest: spread(mine.map((run) => run.cpuUserMicrosPerRequest)).median,
      cpuSystemMicrosPerRequest: spread(mine.map((run) => run.cpuSystemMicrosPerRequest)).median,
      ratioToAutocannon: Math.round((reqPerSec.median / autocannonRate) * 1000) / 1000,
      labMicrosPerRequest: spread(mine.map((run) => run.labMicrosPerRequest)),
      bad: mine.reduce((sum, run) => sum + run.bad, 0),
    };
  }
  return summary;
}

/** session-chaos's req/s over autocannon's in each round, two decimals; NaN for a round missing either. */
export function perRoundRatios(runs: readonly RunFigures[], rounds: number): number[] {
  return Array.from({ length: rounds }, (_, index) => {
    const rateOf = (generator: Generator): number | undefined =>
      runs.find((run) => run.generator === generator && run.round === index + 1)?.reqPerSec;
    const ours = rateOf('session-chaos');
    const theirs = rateOf('autocannon');
    return ours === undefined || theirs === undefined ? Number.NaN : Math.round((ours / theirs) * 100) / 100;
  });
}

/**
 * Says when the lab, not the client, limited the runs (a server process near a full core), when the cores
 * were full (then client CPU per request decides req/s), and when other processes shared the machine.
 */
export function saturationNotes(
  runs: readonly RunFigures[],
  servers: readonly string[],
  cores: number,
): string[] {
  const notes: string[] = [];
  for (const generator of new Set(runs.map((run) => run.generator))) {
    const mine = runs.filter((run) => run.generator === generator);
    const share = (name: string): number =>
      Math.round(spread(mine.map((run) => run.cpuPercent[name] ?? 0)).median);
    const busiest = servers.reduce((top, name) => (share(name) > share(top) ? name : top), servers[0] ?? '');
    const total = Object.keys(mine[0]?.cpuPercent ?? {}).reduce((sum, name) => sum + share(name), 0);
    if (share(busiest) >= 90) {
      notes.push(
        `note: ${generator}: ${busiest} used ${share(busiest)}% of a core: the lab saturated before the client`,
      );
    } else if (total >= cores * 100 * 0.9) {
      notes.push(
        `note: ${generator}: the machine was full (${total}% of ${cores * 100}%): client, balancer and backends ` +
          'share the cores, so client CPU per request decides req/s',
      );
    }
    if (share('others') >= 20) {
      notes.push(
        `note: ${generator}: other processes on this machine used ${share('others')}% of a core during the runs`,
      );
    }
  }
  return notes;
}

/** The generators' order in round `round` (from 1): rotated, so that none always runs on a freshly idle lab. */
export function roundOrder<T>(generators: readonly T[], round: number): T[] {
  return generators.map((_, i) => generators[(i + round - 1) % generators.length] as T);
}

export interface ThroughputOptions {
  config: BenchConfig;
  /** Where `--cpu-prof` writes its profiles. */
  profileDir: string;
}

/**
 * Interleaved rounds on the lab of plain autocannon, wrk, the bare HTTP loops (our client and undici) and
 * session-chaos's whole pipeline (on its own client and on undici, `target.client`), each in a child process
 * measured the same way.
 */
export async function throughputSection(
  lab: Lab,
  { config, profileDir }: ThroughputOptions,
  { log }: BenchContext,
): Promise<ThroughputFigures> {
  const cookie = await fixedCookie(lab);
  const watched = watchedOf(lab);
  const url = `${lab.url}/me`;
  const wrkInstalled = existsSync(wrkPath);
  const generators: Generator[] = [
    'autocannon',
    ...(wrkInstalled ? (['wrk'] as const) : []),
    'http loop',
    'undici loop',
    'session-chaos',
    'session-chaos (undici)',
  ];
  const runs: RunFigures[] = [];
  const timeoutMs = config.durationSeconds * 1000 + 60_000;
  // A freshly started lab (backends' JIT, Redis, HAProxy's buffers) is slower for a while: whoever ran
  // first in round 1 paid for it. A short unmeasured run warms it up for everyone.
  log(`warming the lab up (${warmUpSeconds} s, not measured)`);
  await runNodeChild<LoadResult>(
    './load-autocannon.ts',
    { url, connections: config.connections, durationSeconds: warmUpSeconds, cookie },
    { watched, timeoutMs },
  );
  for (let round = 1; round <= config.rounds; round++) {
    for (const generator of roundOrder(generators, round)) {
      log(`round ${round}/${config.rounds}: ${generator}`);
      if (generator === 'wrk') {
        const measured = await runNativeChild(
          wrkPath,
          ['-t1', `-c${config.connections}`, `-d${config.durationSeconds}s`, '-H', `cookie: ${cookie}`, url],
          watched,
        );
        runs.push(runFigures(generator, round, measured, parseWrk(measured.result)));
      } else if (generator === 'session-chaos' || generator === 'session-chaos (undici)') {
        const options: EngineOptions = {
          url: lab.url,
          users: config.connections,
          durationSeconds: config.durationSeconds,
          password,
          client: generator === 'session-chaos' ? 'engine' : 'undici',
        };
        const nodeFlags = config.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
        const measured = await runNodeChild<EngineResult>('./load-engine.ts', options, {
          watched,
          timeoutMs,
          nodeFlags,
        });
        if (measured.result.loggedIn !== config.connections) {
          throw new Error(`only ${measured.result.loggedIn} of ${config.connections} users logged in`);
        }
        runs.push(runFigures(generator, round, measured, measured.result));
      } else {
        const options: AutocannonOptions & { client: 'engine' | 'undici' } = {
          url,
          connections: config.connections,
          durationSeconds: config.durationSeconds,
          cookie,
          client: generator === 'undici loop' ? 'undici' : 'engine',
        };
        const script = generator === 'autocannon' ? './load-autocannon.ts' : './load-http.ts';
        const measured = await runNodeChild<LoadResult>(script, options, { watched, timeoutMs });
        runs.push(runFigures(generator, round, measured, measured.result));
      }
    }
  }
  if (!wrkInstalled) log('wrk: not installed');
  const servers = ['haproxy', ...lab.backends.map((backend) => backend.name), 'redis'];
  const figures: ThroughputFigures = {
    runs,
    generators: summarize(runs),
    sessionChaosToAutocannonPerRound: perRoundRatios(runs, config.rounds),
    saturation: saturationNotes(runs, servers, cpus().length),
  };
  process.stdout.write(
    `\nThroughput: HAProxy round robin over ${lab.backends.length} backends (${lab.sessions} sessions), ` +
      `${config.connections} connections, ${config.rounds} x ${config.durationSeconds} s each, interleaved\n` +
      formatThroughput(figures, {
        generators,
        backends: lab.backends.map((backend) => backend.name),
        redis: lab.redis !== undefined,
        wrkInstalled,
      }),
  );
  return figures;
}

/** The section's table, the per-round ratios and the saturation notes, as printed. */
export function formatThroughput(
  figures: ThroughputFigures,
  shape: {
    generators: readonly Generator[];
    backends: readonly string[];
    redis: boolean;
    wrkInstalled: boolean;
  },
): string {
  const table = new Table({
    head: [
      'generator',
      'req/s median (range)',
      'client CPU us/req',
      'user + sys',
      'vs autocannon',
      'lab CPU us/req',
      'bad',
      'CPU % of a core: client / haproxy / backends / other processes',
    ],
  });
  for (const generator of shape.generators) {
    const row = figures.generators[generator];
    if (row === undefined) continue;
    const mine = figures.runs.filter((run) => run.generator === generator);
    const cpuShare = (name: string): number =>
      Math.round(spread(mine.map((run) => run.cpuPercent[name] ?? 0)).median);
    table.push([
      generator,
      formatSpread(row.reqPerSec),
      formatSpread(row.cpuMicrosPerRequest, 1),
      `${row.cpuUserMicrosPerRequest.toFixed(1)} + ${row.cpuSystemMicrosPerRequest.toFixed(1)}`,
      `${row.ratioToAutocannon.toFixed(2)}x`,
      formatSpread(row.labMicrosPerRequest, 1),
      String(row.bad),
      `${cpuShare('client')} / ${cpuShare('haproxy')} / ${shape.backends.map(cpuShare).join(', ')}${
        shape.redis ? ` (redis ${cpuShare('redis')})` : ''
      } / ${cpuShare('others')}`,
    ]);
  }
  if (!shape.wrkInstalled) table.push(['wrk', 'not installed', '', '', '', '', '', '']);
  const perRound = figures.sessionChaosToAutocannonPerRound.map((ratio) => `${ratio.toFixed(2)}x`).join(', ');
  return [
    table.toString(),
    "http loop: session-chaos's own HTTP/1.1 client (exchange()) in a bare loop (fixed cookie, no jar, no checks): " +
      'the HTTP client under the engine, for scale; undici loop: the same loop through undici (target.client: undici)',
    `session-chaos / autocannon within each round: ${perRound}`,
    ...figures.saturation,
    '',
  ].join('\n');
}
