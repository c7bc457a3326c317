import Table from 'cli-table3';
import type { Lab } from '../src/lab/index.js';
import { type BenchContext, password } from './lab.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { type Measured, runNodeChild } from './spawn.js';

export interface OpenFigures {
  case: 'steady' | 'paused';
  targetRate: number;
  achievedRate: number;
  deviationPercent: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  bad: number;
  lateArrivals: number;
}

export interface OpenOptions {
  rate: number;
  durationSeconds: number;
  users: number;
  pauseMs: number;
}

/** A case's row from the run's result: the achieved rate against the target, latency from intended starts. */
export function openFigures(
  kind: OpenFigures['case'],
  targetRate: number,
  result: EngineResult,
): OpenFigures {
  const achievedRate = result.requests / (result.durationMs / 1000);
  return {
    case: kind,
    targetRate,
    achievedRate: Math.round(achievedRate * 10) / 10,
    deviationPercent: Math.round(((achievedRate - targetRate) / targetRate) * 10_000) / 100,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    bad: result.bad,
    lateArrivals: result.lateArrivals,
  };
}

/**
 * The open model keeps its schedule: at a fixed rate below saturation the achieved rate matches, and a
 * backend stopped (SIGSTOP) for a second shows in p99 and max, since latency runs from the intended start.
 */
export async function openModelSection(
  lab: Lab,
  options: OpenOptions,
  { log }: BenchContext,
): Promise<OpenFigures[]> {
  const rows: OpenFigures[] = [];
  const paused = lab.backends[1] ?? lab.backends[0];
  const pid = paused?.pid;
  if (pid === undefined) throw new Error('the open-model section needs process backends');
  // Few users on purpose: soon every user waits on the stopped backend, so later arrivals cannot be sent
  // until it resumes. Counted from their intended start they show the stall (no coordinated omission).
  for (const kind of ['steady', 'paused'] as const) {
    log(
      `open model, ${kind}: ${options.rate} req/s for ${options.durationSeconds} s, ${options.users} users`,
    );
    const timers: NodeJS.Timeout[] = [];
    let stopped = false;
    const onStart = (): void => {
      if (kind !== 'paused') return;
      const at = (options.durationSeconds * 1000) / 3;
      timers.push(
        setTimeout(() => {
          stopped = true;
          process.kill(pid, 'SIGSTOP');
        }, at),
        setTimeout(() => {
          process.kill(pid, 'SIGCONT');
          stopped = false;
        }, at + options.pauseMs),
      );
    };
    const engine: EngineOptions = {
      url: lab.url,
      users: options.users,
      durationSeconds: options.durationSeconds,
      password,
      rate: options.rate,
    };
    let measured: Measured<EngineResult>;
    try {
      measured = await runNodeChild<EngineResult>('./load-engine.ts', engine, {
        watched: [],
        timeoutMs: options.durationSeconds * 1000 + 120_000,
        onStart,
      });
    } finally {
      for (const timer of timers) clearTimeout(timer);
      if (stopped) process.kill(pid, 'SIGCONT');
    }
    rows.push(openFigures(kind, options.rate, measured.result));
  }
  process.stdout.write(
    `\n${formatOpenModel(rows, `backend ${paused?.name} SIGSTOPped ${options.pauseMs} ms`)}`,
  );
  return rows;
}

export function formatOpenModel(rows: readonly OpenFigures[], pausedLabel: string): string {
  const table = new Table({
    head: [
      'case',
      'target req/s',
      'achieved req/s',
      'deviation',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'not ok',
      'never sent',
    ],
  });
  for (const row of rows) {
    table.push([
      row.case === 'paused' ? pausedLabel : 'steady',
      String(row.targetRate),
      String(row.achievedRate),
      `${row.deviationPercent}%`,
      String(row.p50),
      String(row.p90),
      String(row.p99),
      String(row.max),
      String(row.bad),
      String(row.lateArrivals),
    ]);
  }
  return `Open model: schedule kept, latency from each request's intended start\n${table.toString()}\n`;
}
