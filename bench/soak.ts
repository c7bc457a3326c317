import type { Lab } from '../src/lab/index.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { processRssBytes } from './proc.js';
import { type Measured, runNodeChild } from './spawn.js';
import { megabytes, slope } from './stats.js';

export interface SoakOptions {
  users: number;
  durationSeconds: number;
  sampleSeconds: number;
  password: string;
  log: (line: string) => void;
}

export interface SoakFigures {
  users: number;
  durationSeconds: number;
  requests: number;
  reqPerSec: number;
  bad: number;
  /** RSS of the session-chaos process at each sample, seconds from the start of its traffic phase. */
  series: { seconds: number; rssMb: number }[];
  /** Least-squares slope of the series over the second half (after warm-up), MB per minute. */
  slopeMbPerMinute: number;
  /** The same over the whole series. */
  slopeAllMbPerMinute: number;
}

/**
 * A long closed-model run of the whole pipeline, its RSS read from /proc every few seconds by this process
 * (the child is not touched): a leak per request or per second shows as a slope that does not flatten.
 */
export async function soakSection(lab: Lab, options: SoakOptions): Promise<SoakFigures> {
  const series: { seconds: number; rssMb: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;
  const engine: EngineOptions = {
    url: lab.url,
    users: options.users,
    durationSeconds: options.durationSeconds,
    password: options.password,
  };
  options.log(
    `soak: ${options.users} users, closed model, ${options.durationSeconds} s, RSS every ${options.sampleSeconds} s`,
  );
  let measured: Measured<EngineResult>;
  try {
    measured = await runNodeChild<EngineResult>('./load-engine.ts', engine, {
      watched: [],
      timeoutMs: options.durationSeconds * 1000 + 120_000,
      onStart: (pid) => {
        const started = performance.now();
        const sample = (): void => {
          const seconds = Math.round((performance.now() - started) / 1000);
          // The last moments of the run are its summary being built, not traffic.
          if (seconds >= options.durationSeconds) return;
          try {
            series.push({ seconds, rssMb: megabytes(processRssBytes(pid)) });
          } catch {
            // The child ended between two samples.
          }
        };
        sample();
        sampler = setInterval(sample, options.sampleSeconds * 1000);
      },
    });
  } finally {
    clearInterval(sampler);
  }
  const { result } = measured;
  const perMinute = (points: typeof series): number =>
    Math.round(slope(points.map((p) => ({ x: p.seconds / 60, y: p.rssMb }))) * 100) / 100;
  const figures: SoakFigures = {
    users: options.users,
    durationSeconds: options.durationSeconds,
    requests: result.requests,
    reqPerSec: Math.round(result.requests / (result.durationMs / 1000)),
    bad: result.bad,
    series,
    slopeMbPerMinute: perMinute(series.slice(Math.floor(series.length / 2))),
    slopeAllMbPerMinute: perMinute(series),
  };
  process.stdout.write(`\n${formatSoak(figures)}`);
  return figures;
}

export function formatSoak(figures: SoakFigures): string {
  const first = figures.series[0];
  const last = figures.series.at(-1);
  const lines = [
    `Soak: ${figures.users} users, closed model, ${figures.durationSeconds} s, ` +
      `${figures.requests.toLocaleString('en-US')} requests (${figures.reqPerSec.toLocaleString('en-US')} req/s), ${figures.bad} not ok`,
    `RSS (MB) by second: ${figures.series.map((p) => `${p.seconds}s ${p.rssMb}`).join(', ')}`,
    `RSS ${first?.rssMb ?? '-'} to ${last?.rssMb ?? '-'} MB; slope ${figures.slopeAllMbPerMinute} MB/min over the run, ` +
      `${figures.slopeMbPerMinute} MB/min over its second half`,
  ];
  return `${lines.join('\n')}\n`;
}
