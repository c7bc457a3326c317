import Table from 'cli-table3';
import { startLab } from '../src/lab/index.js';
import { type BenchContext, password } from './lab.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { runNodeChild } from './spawn.js';
import { megabytes } from './stats.js';

export interface RssFigures {
  users: number;
  loggedIn: number;
  rssAfterLoginMb: number;
  maxRssMb: number;
  /** The live heap after login: what the users' state takes, whatever heap V8 keeps committed beside it. */
  heapAfterLoginMb: number;
}

/**
 * RSS of a session-chaos run with many logged-in users, each in a child of its own (nothing else in its
 * heap): RSS after the login phase (after a full GC) and the peak over a short open-model traffic phase.
 */
export async function memorySection(
  userCounts: readonly number[],
  { log }: BenchContext,
): Promise<RssFigures[]> {
  const most = Math.max(...userCounts);
  log(`starting a one-backend lab for ${most} users`);
  const lab = await startLab({
    balancer: 'haproxy-roundrobin',
    sessions: 'memory',
    backends: 1,
    runtime: 'process',
    users: most,
    password,
  });
  const rows: RssFigures[] = [];
  try {
    for (const users of userCounts) {
      log(`RSS with ${users} logged-in users`);
      const options: EngineOptions = {
        url: lab.url,
        users,
        durationSeconds: 2,
        password,
        rate: 1000,
        gcBeforeTraffic: true,
      };
      const measured = await runNodeChild<EngineResult>('./load-engine.ts', options, {
        watched: [],
        timeoutMs: 600_000,
        nodeFlags: ['--expose-gc'],
      });
      rows.push({
        users,
        loggedIn: measured.result.loggedIn,
        rssAfterLoginMb: megabytes(measured.result.rssAfterLogin),
        maxRssMb: megabytes(measured.result.maxRss),
        heapAfterLoginMb: megabytes(measured.result.heapAfterLogin),
      });
    }
  } finally {
    await lab.stop();
  }
  process.stdout.write(`\n${formatMemory(rows)}`);
  return rows;
}

/** KB each user added to the peak RSS, between consecutive rows; undefined for the first. */
export function kilobytesPerAddedUser(rows: readonly RssFigures[]): (number | undefined)[] {
  return rows.map((row, index) => {
    const previous = rows[index - 1];
    return previous === undefined
      ? undefined
      : ((row.maxRssMb - previous.maxRssMb) * 1024) / (row.users - previous.users);
  });
}

export function formatMemory(rows: readonly RssFigures[]): string {
  const table = new Table({
    head: [
      'logged-in VUs',
      'RSS after login (MB)',
      'peak RSS over the run (MB)',
      'KB per added VU (peak)',
      'live heap after login (MB)',
    ],
  });
  const perUser = kilobytesPerAddedUser(rows);
  rows.forEach((row, index) => {
    table.push([
      `${row.loggedIn.toLocaleString('en-US')} of ${row.users.toLocaleString('en-US')}`,
      String(row.rssAfterLoginMb),
      String(row.maxRssMb),
      perUser[index]?.toFixed(2) ?? '-',
      String(row.heapAfterLoginMb),
    ]);
  });
  return `Memory: session-chaos RSS (one process, open model at 1000 req/s for 2 s after login)\n${table.toString()}\n`;
}
