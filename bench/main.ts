import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { type Lab, startLab } from '../src/lab/index.js';
import { type AlternatingFigures, alternatingSection } from './alternating.js';
import type { AutocannonOptions, LoadResult } from './load-autocannon.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { type SoakFigures, soakSection } from './soak.js';
import { buildChildren, type Measured, runNativeChild, runNodeChild, type Watched } from './spawn.js';
import { formatSpread, megabytes, parseWrk, type Spread, spread } from './stats.js';

const wrkPath = '/usr/bin/wrk';
const password = 'bench';
const warmUpSeconds = 3;
const offlineSeconds = 5;

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'rss-users': { type: 'string', default: '10000,100000' },
    'open-rate': { type: 'string', default: '1000' },
    'open-duration': { type: 'string', default: '6' },
    'open-users': { type: 'string', default: '200' },
    'pause-ms': { type: 'string', default: '1000' },
    'slice-ms': { type: 'string', default: '1000' },
    turns: { type: 'string', default: '60' },
    'soak-duration': { type: 'string', default: '600' },
    'soak-sample': { type: 'string', default: '10' },
    only: { type: 'string', default: 'throughput,alternating,rss,open,offline' },
    'cpu-prof': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(
    [
      'npm run bench -- [options]',
      '  --duration S        seconds per throughput run (10)',
      '  --rounds N          interleaved rounds of each generator (3)',
      '  --connections N     connections (autocannon, wrk) = virtual users (session-chaos) (50)',
      '  --rss-users A,B     logged-in VU counts whose RSS is measured (10000,100000)',
      '  --open-rate R       open-model arrival rate, requests/s (1000)',
      '  --open-duration S   open-model run length (6)',
      '  --open-users N      open-model users; few, so that a stall makes arrivals wait for a user (200)',
      '  --pause-ms MS       how long a backend is paused (SIGSTOP) in the open-model run (1000)',
      '  --slice-ms MS       alternating section: length of each turn (1000, at most 20000)',
      '  --turns N           alternating section: measured rounds of turns (60)',
      '  --soak-duration S   soak section: length of the closed-model run (600)',
      '  --soak-sample S     soak section: seconds between RSS samples (10)',
      '  --only LIST         sections: throughput,alternating,rss,open,offline,soak (soak only when named)',
      '  --cpu-prof          write a V8 CPU profile of each session-chaos throughput run to bench/results/',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name}: expected a positive number, got ${text}\n`);
    process.exit(2);
  }
  return value;
}

// A child paused through four turns of the others must not see its requests time out (120 s in pausable runs).
function atMost(name: string, value: number, limit: number): number {
  if (value > limit) {
    process.stderr.write(`--${name}: at most ${limit}, got ${value}\n`);
    process.exit(2);
  }
  return value;
}

const config = {
  durationSeconds: positive('duration', flags.duration),
  rounds: Math.round(positive('rounds', flags.rounds)),
  connections: Math.round(positive('connections', flags.connections)),
  rssUsers: (flags['rss-users'] ?? '').split(',').map((n) => Math.round(positive('rss-users', n))),
  openRate: positive('open-rate', flags['open-rate']),
  openDurationSeconds: positive('open-duration', flags['open-duration']),
  openUsers: Math.round(positive('open-users', flags['open-users'])),
  pauseMs: positive('pause-ms', flags['pause-ms']),
  sliceMs: atMost('slice-ms', positive('slice-ms', flags['slice-ms']), 20_000),
  turnRounds: Math.round(positive('turns', flags.turns)),
  soakSeconds: positive('soak-duration', flags['soak-duration']),
  soakSampleSeconds: positive('soak-sample', flags['soak-sample']),
  sections: new Set((flags.only ?? '').split(',')),
};

const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

type Generator = 'autocannon' | 'wrk' | 'http loop' | 'undici loop' | 'session-chaos';

interface RunFigures {
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

function figures(
  generator: Generator,
  round: number,
  measured: Measured<unknown>,
  load: LoadResult,
): RunFigures {
  const seconds = measured.windowMs / 1000;
  const perRequest = (micros: number): number => Math.round((micros / load.requests) * 10) / 10;
  const cpuPercent: Record<string, number> = {
    client: Math.round(measured.cpuMicros / measured.windowMs / 10),
  };
  let watchedTotal = measured.cpuMicros;
  for (const [name, micros] of Object.entries(measured.watchedCpuMicros)) {
    cpuPercent[name] = Math.round(micros / measured.windowMs / 10);
    watchedTotal += micros;
  }
  // Whatever else ran on the machine meanwhile (the machine may be shared): it takes cores from the lab.
  cpuPercent.others = Math.max(
    0,
    Math.round((measured.machineBusyMicros - watchedTotal) / measured.windowMs / 10),
  );
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
    seconds: Math.round(seconds * 100) / 100,
  };
}

function watchedOf(lab: Lab): Watched[] {
  const watched: Watched[] = [{ name: 'haproxy', pid: lab.balancer.pid }];
  for (const backend of lab.backends)
    if (backend.pid !== undefined) watched.push({ name: backend.name, pid: backend.pid });
  if (lab.redis !== undefined) watched.push({ name: 'redis', pid: lab.redis.pid });
  return watched;
}

/** One login through the balancer: the fixed cookie the plain generators send (valid on every backend). */
async function fixedCookie(lab: Lab): Promise<string> {
  const response = await fetch(`${lab.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'user1', password }).toString(),
  });
  const setCookie = response.headers.get('set-cookie');
  await response.body?.cancel();
  const cookie = setCookie?.split(';')[0];
  if (!response.ok || cookie === undefined) throw new Error(`bench login failed: status ${response.status}`);
  return cookie;
}

async function throughputSection(
  lab: Lab,
): Promise<{ runs: RunFigures[]; summary: Record<string, unknown> }> {
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
    // Rotated each round, so that no generator always runs on a freshly idle (or freshly warm) lab.
    const order = generators.map((_, i) => generators[(i + round - 1) % generators.length] as Generator);
    for (const generator of order) {
      log(`round ${round}/${config.rounds}: ${generator}`);
      if (generator === 'autocannon' || generator === 'http loop' || generator === 'undici loop') {
        const options: AutocannonOptions & { client: 'engine' | 'undici' } = {
          url,
          connections: config.connections,
          durationSeconds: config.durationSeconds,
          cookie,
          client: generator === 'undici loop' ? 'undici' : 'engine',
        };
        const script = generator === 'autocannon' ? './load-autocannon.ts' : './load-http.ts';
        const measured = await runNodeChild<LoadResult>(script, options, {
          watched,
          timeoutMs,
        });
        runs.push(figures(generator, round, measured, measured.result));
      } else if (generator === 'wrk') {
        const measured = await runNativeChild(
          wrkPath,
          ['-t1', `-c${config.connections}`, `-d${config.durationSeconds}s`, '-H', `cookie: ${cookie}`, url],
          watched,
        );
        runs.push(figures(generator, round, measured, parseWrk(measured.result)));
      } else {
        const options: EngineOptions = {
          url: lab.url,
          users: config.connections,
          durationSeconds: config.durationSeconds,
          password,
        };
        const nodeFlags = flags['cpu-prof']
          ? ['--cpu-prof', `--cpu-prof-dir=${new URL(`./${stamp}-profiles/`, resultsDir).pathname}`]
          : [];
        const measured = await runNodeChild<EngineResult>('./load-engine.ts', options, {
          watched,
          timeoutMs,
          nodeFlags,
        });
        if (measured.result.loggedIn !== config.connections) {
          throw new Error(`only ${measured.result.loggedIn} of ${config.connections} users logged in`);
        }
        runs.push(figures(generator, round, measured, measured.result));
      }
    }
  }
  if (!wrkInstalled) log('wrk: not installed');

  const bySpread = (generator: Generator, pick: (run: RunFigures) => number): Spread | undefined => {
    const values = runs.filter((run) => run.generator === generator).map(pick);
    return values.length === 0 ? undefined : spread(values);
  };
  const autocannonRate = bySpread('autocannon', (run) => run.reqPerSec)?.median ?? Number.NaN;
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
  const summary: Record<string, unknown> = {};
  for (const generator of generators) {
    const rate = bySpread(generator, (run) => run.reqPerSec);
    const cpu = bySpread(generator, (run) => run.cpuMicrosPerRequest);
    if (rate === undefined || cpu === undefined) continue;
    const mine = runs.filter((run) => run.generator === generator);
    const cpuShare = (name: string): number =>
      Math.round(spread(mine.map((run) => run.cpuPercent[name] ?? 0)).median);
    const backendNames = lab.backends.map((backend) => backend.name);
    // Three decimals: 0.996x must not pass a 1.0x target by rounding.
    const ratio = Math.round((rate.median / autocannonRate) * 1000) / 1000;
    const user = spread(mine.map((run) => run.cpuUserMicrosPerRequest)).median;
    const system = spread(mine.map((run) => run.cpuSystemMicrosPerRequest)).median;
    const labCost = spread(mine.map((run) => run.labMicrosPerRequest));
    summary[generator] = {
      reqPerSec: rate,
      cpuMicrosPerRequest: cpu,
      cpuUserMicrosPerRequest: user,
      cpuSystemMicrosPerRequest: system,
      ratioToAutocannon: ratio,
      labMicrosPerRequest: labCost,
      bad: mine.reduce((sum, run) => sum + run.bad, 0),
    };
    table.push([
      generator,
      formatSpread(rate),
      formatSpread(cpu, 1),
      `${user.toFixed(1)} + ${system.toFixed(1)}`,
      `${ratio.toFixed(2)}x`,
      formatSpread(labCost, 1),
      String(mine.reduce((sum, run) => sum + run.bad, 0)),
      `${cpuShare('client')} / ${cpuShare('haproxy')} / ${backendNames.map(cpuShare).join(', ')}${
        lab.redis === undefined ? '' : ` (redis ${cpuShare('redis')})`
      } / ${cpuShare('others')}`,
    ]);
  }
  if (!wrkInstalled) table.push(['wrk', 'not installed', '', '', '', '', '', '']);
  process.stdout.write(
    `\nThroughput: HAProxy round robin over ${lab.backends.length} backends (${lab.sessions} sessions), ` +
      `${config.connections} connections, ${config.rounds} x ${config.durationSeconds} s each, interleaved\n`,
  );
  process.stdout.write(`${table.toString()}\n`);
  process.stdout.write(
    "http loop: session-chaos's own HTTP/1.1 client (exchange()) in a bare loop (fixed cookie, no jar, no checks): " +
      'the HTTP client under the engine, for scale; undici loop: the same loop through undici (target.client: undici)\n',
  );
  // The first req/s target row compares medians; the ratio within each round (same minutes, same machine state) shows how
  // much of the difference is the machine drifting between rounds.
  const perRound = Array.from({ length: config.rounds }, (_, index) => {
    const rateOf = (generator: Generator): number | undefined =>
      runs.find((run) => run.generator === generator && run.round === index + 1)?.reqPerSec;
    const ours = rateOf('session-chaos');
    const theirs = rateOf('autocannon');
    return ours === undefined || theirs === undefined ? Number.NaN : Math.round((ours / theirs) * 100) / 100;
  });
  summary.sessionChaosToAutocannonPerRound = perRound;
  process.stdout.write(
    `session-chaos / autocannon within each round: ${perRound.map((ratio) => `${ratio.toFixed(2)}x`).join(', ')}\n`,
  );
  const saturated = saturationNotes(runs, lab);
  for (const note of saturated) process.stdout.write(`${note}\n`);
  summary.saturation = saturated;
  return { runs, summary };
}

/**
 * Says when the lab, not the client, limited the runs (a server process near a full core), when the cores
 * were full (then client CPU per request decides req/s), and when other processes shared the machine.
 */
function saturationNotes(runs: readonly RunFigures[], lab: Lab): string[] {
  const notes: string[] = [];
  const cores = cpus().length;
  const servers = ['haproxy', ...lab.backends.map((backend) => backend.name), 'redis'];
  for (const generator of new Set(runs.map((run) => run.generator))) {
    const mine = runs.filter((run) => run.generator === generator);
    const share = (name: string): number =>
      Math.round(spread(mine.map((run) => run.cpuPercent[name] ?? 0)).median);
    const busiest = servers.reduce((top, name) => (share(name) > share(top) ? name : top), 'haproxy');
    const total =
      Object.values(mine[0]?.cpuPercent ?? {}).length === 0
        ? 0
        : Object.keys(mine[0]?.cpuPercent ?? {}).reduce((sum, name) => sum + share(name), 0);
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

interface RssFigures {
  users: number;
  loggedIn: number;
  rssAfterLoginMb: number;
  maxRssMb: number;
}

/**
 * RSS of a session-chaos run with many logged-in users, each in a child of its own (nothing else in its
 * heap): RSS after the login phase (after a full GC) and the peak over a short open-model traffic phase.
 */
interface OfflineFigures {
  requests: number;
  cpuMicrosPerRequest: number;
  cpuUserMicrosPerRequest: number;
  cpuSystemMicrosPerRequest: number;
}

/**
 * session-chaos's own CPU per request, with the network replaced by a stand-in for the lab (see
 * `offline-agent.ts`): the same child, profile and pipeline as the throughput rows, without the kernel's
 * loopback work or a lab sharing the cores. It moves by a few percent between runs instead of 10-20%, so a
 * change to the engine's hot path can be measured here before the lab says anything.
 */
async function offlineSection(): Promise<{ runs: OfflineFigures[]; summary: Spread }> {
  const runs: OfflineFigures[] = [];
  for (let round = 1; round <= config.rounds; round++) {
    log(`offline engine, round ${round}/${config.rounds}`);
    const options: EngineOptions = {
      url: 'http://127.0.0.1:9',
      users: config.connections,
      durationSeconds: offlineSeconds,
      password,
      offline: true,
    };
    const measured = await runNodeChild<EngineResult>('./load-engine.ts', options, {
      watched: [],
      timeoutMs: offlineSeconds * 1000 + 60_000,
    });
    const { requests, loggedIn, bad } = measured.result;
    if (loggedIn !== config.connections || bad > 0) {
      throw new Error(
        `offline run: ${loggedIn} of ${config.connections} users logged in, ${bad} answers not ok`,
      );
    }
    const perRequest = (micros: number): number => Math.round((micros / requests) * 100) / 100;
    runs.push({
      requests,
      cpuMicrosPerRequest: perRequest(measured.cpuMicros),
      cpuUserMicrosPerRequest: perRequest(measured.cpu.user),
      cpuSystemMicrosPerRequest: perRequest(measured.cpu.system),
    });
  }
  const summary = spread(runs.map((run) => run.cpuMicrosPerRequest));
  process.stdout.write(
    `\nOffline: session-chaos's own CPU per request, network replaced by a stand-in (${config.connections} VUs, ` +
      `${config.rounds} x ${offlineSeconds} s): ${formatSpread(summary, 2)} us ` +
      `(${Math.round(spread(runs.map((run) => run.requests)).median / offlineSeconds).toLocaleString('en-US')} req/s on one core)\n`,
  );
  return { runs, summary };
}

async function rssSection(): Promise<RssFigures[]> {
  const most = Math.max(...config.rssUsers);
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
    for (const users of config.rssUsers) {
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
      });
    }
  } finally {
    await lab.stop();
  }
  const table = new Table({
    head: ['logged-in VUs', 'RSS after login (MB)', 'peak RSS over the run (MB)', 'KB per added VU (peak)'],
  });
  rows.forEach((row, index) => {
    const previous = rows[index - 1];
    const perVu =
      previous === undefined
        ? '-'
        : (((row.maxRssMb - previous.maxRssMb) * 1024) / (row.users - previous.users)).toFixed(2);
    table.push([
      `${row.loggedIn.toLocaleString('en-US')} of ${row.users.toLocaleString('en-US')}`,
      String(row.rssAfterLoginMb),
      String(row.maxRssMb),
      perVu,
    ]);
  });
  process.stdout.write(
    `\nMemory: session-chaos RSS (one process, open model at 1000 req/s for 2 s after login)\n${table.toString()}\n`,
  );
  return rows;
}

interface OpenFigures {
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

/**
 * The open model keeps its schedule: at a fixed rate below saturation the achieved rate matches, and a
 * backend stopped (SIGSTOP) for a second shows in p99 and max, since latency runs from the intended start.
 */
async function openSection(lab: Lab): Promise<OpenFigures[]> {
  const rows: OpenFigures[] = [];
  const paused = lab.backends[1] ?? lab.backends[0];
  const pid = paused?.pid;
  if (pid === undefined) throw new Error('the open-model section needs process backends');
  // Few users on purpose: soon every user waits on the stopped backend, so later arrivals cannot be sent
  // until it resumes. Counted from their intended start they show the stall (no coordinated omission).
  const users = config.openUsers;
  for (const kind of ['steady', 'paused'] as const) {
    log(`open model, ${kind}: ${config.openRate} req/s for ${config.openDurationSeconds} s, ${users} users`);
    const timers: NodeJS.Timeout[] = [];
    let stopped = false;
    const onStart = (): void => {
      if (kind !== 'paused') return;
      const at = (config.openDurationSeconds * 1000) / 3;
      timers.push(
        setTimeout(() => {
          stopped = true;
          process.kill(pid, 'SIGSTOP');
        }, at),
        setTimeout(() => {
          process.kill(pid, 'SIGCONT');
          stopped = false;
        }, at + config.pauseMs),
      );
    };
    const options: EngineOptions = {
      url: lab.url,
      users,
      durationSeconds: config.openDurationSeconds,
      password,
      rate: config.openRate,
    };
    let measured: Measured<EngineResult>;
    try {
      measured = await runNodeChild<EngineResult>('./load-engine.ts', options, {
        watched: [],
        timeoutMs: config.openDurationSeconds * 1000 + 120_000,
        onStart,
      });
    } finally {
      for (const timer of timers) clearTimeout(timer);
      if (stopped) process.kill(pid, 'SIGCONT');
    }
    const { result } = measured;
    const achievedRate = result.requests / (result.durationMs / 1000);
    rows.push({
      case: kind,
      targetRate: config.openRate,
      achievedRate: Math.round(achievedRate * 10) / 10,
      deviationPercent: Math.round(((achievedRate - config.openRate) / config.openRate) * 10_000) / 100,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      bad: result.bad,
      lateArrivals: result.lateArrivals,
    });
  }
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
      row.case === 'paused' ? `backend ${paused?.name} SIGSTOPped ${config.pauseMs} ms` : 'steady',
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
  process.stdout.write(
    `\nOpen model: schedule kept, latency from each request's intended start\n${table.toString()}\n`,
  );
  return rows;
}

/** PASS or FAIL; UNDECIDED when the measurement's interval spans the target; `-` when it did not run. */
type Verdict = 'PASS' | 'FAIL' | 'UNDECIDED' | '-';

interface Target {
  name: string;
  value: string;
  verdict: Verdict;
}

const verdictOf = (pass: boolean | undefined): Verdict => (pass === undefined ? '-' : pass ? 'PASS' : 'FAIL');

function targetsOf(
  summary: Record<string, unknown> | undefined,
  alternating: AlternatingFigures | undefined,
  rss: readonly RssFigures[],
  open: readonly OpenFigures[],
  soak: SoakFigures | undefined,
): Target[] {
  const engine = summary?.['session-chaos'] as
    | { ratioToAutocannon: number; cpuMicrosPerRequest: Spread }
    | undefined;
  const paired = alternating?.ratio;
  const hundredK = rss.find((row) => row.users === 100_000);
  const steady = open.find((row) => row.case === 'steady');
  const paused = open.find((row) => row.case === 'paused');
  return [
    {
      name: 'session-chaos req/s >= 1.0x plain autocannon (rounds: ratio of medians)',
      value: engine === undefined ? 'not run' : `${engine.ratioToAutocannon.toFixed(3)}x`,
      verdict: verdictOf(engine === undefined ? undefined : engine.ratioToAutocannon >= 1),
    },
    {
      name: 'session-chaos req/s >= 1.0x plain autocannon (alternating turns: 95% interval)',
      value:
        paired === undefined
          ? 'not run'
          : `${paired.ratio.toFixed(3)}x (${paired.low.toFixed(3)}-${paired.high.toFixed(3)})`,
      verdict: paired === undefined ? '-' : paired.low >= 1 ? 'PASS' : paired.high < 1 ? 'FAIL' : 'UNDECIDED',
    },
    {
      name: 'session-chaos client CPU <= 20 us per request',
      value: engine === undefined ? 'not run' : `${engine.cpuMicrosPerRequest.median.toFixed(1)} us`,
      verdict: verdictOf(engine === undefined ? undefined : engine.cpuMicrosPerRequest.median <= 20),
    },
    {
      name: '100,000 logged-in VUs in <= 256 MB RSS',
      value: hundredK === undefined ? 'not run' : `${hundredK.maxRssMb} MB peak`,
      verdict: verdictOf(
        hundredK === undefined ? undefined : hundredK.maxRssMb <= 256 && hundredK.loggedIn === 100_000,
      ),
    },
    {
      name: 'open model: achieved rate within 2% of the target',
      value: steady === undefined ? 'not run' : `${steady.deviationPercent}%`,
      verdict: verdictOf(steady === undefined ? undefined : Math.abs(steady.deviationPercent) <= 2),
    },
    {
      name: `open model: a ${config.pauseMs} ms pause shows in max and p99`,
      value:
        paused === undefined ? 'not run' : `max ${paused.max} ms, p99 ${paused.p99} ms, p90 ${paused.p90} ms`,
      verdict: verdictOf(
        paused === undefined
          ? undefined
          : paused.max >= config.pauseMs * 0.9 && paused.p99 >= config.pauseMs * 0.5,
      ),
    },
    {
      name: 'soak: RSS slope over the second half <= 0.5 MB/min, every answer ok',
      value:
        soak === undefined
          ? 'not run'
          : `${soak.slopeMbPerMinute} MB/min (${soak.series[0]?.rssMb} to ${soak.series.at(-1)?.rssMb} MB)`,
      verdict: verdictOf(soak === undefined ? undefined : soak.slopeMbPerMinute <= 0.5 && soak.bad === 0),
    },
  ];
}

async function main(): Promise<void> {
  const started = new Date();
  const report: Record<string, unknown> = {
    startedAt: started.toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    config: { ...config, sections: [...config.sections] },
  };
  await buildChildren(['./load-autocannon.ts', './load-http.ts', './load-engine.ts']);
  let throughput: Awaited<ReturnType<typeof throughputSection>> | undefined;
  let alternating: AlternatingFigures | undefined;
  let open: OpenFigures[] = [];
  let rss: RssFigures[] = [];
  let soak: SoakFigures | undefined;
  if (['throughput', 'alternating', 'open', 'soak'].some((section) => config.sections.has(section))) {
    log('starting the lab: HAProxy round robin over 3 process backends, redis sessions');
    const lab = await startLab({
      balancer: 'haproxy-roundrobin',
      sessions: 'redis',
      backends: 3,
      runtime: 'process',
      users: 5000,
      password,
    });
    try {
      if (config.sections.has('throughput')) throughput = await throughputSection(lab);
      if (config.sections.has('alternating')) {
        alternating = await alternatingSection({
          url: lab.url,
          cookie: await fixedCookie(lab),
          password,
          connections: config.connections,
          sliceMs: config.sliceMs,
          rounds: config.turnRounds,
          watched: watchedOf(lab),
          log,
        });
      }
      if (config.sections.has('open')) open = await openSection(lab);
      if (config.sections.has('soak')) {
        soak = await soakSection(lab, {
          users: config.connections,
          durationSeconds: config.soakSeconds,
          sampleSeconds: config.soakSampleSeconds,
          password,
          log,
        });
      }
    } finally {
      await lab.stop();
    }
  }
  if (config.sections.has('rss')) rss = await rssSection();
  const offline = config.sections.has('offline') ? await offlineSection() : undefined;

  const targets = targetsOf(throughput?.summary, alternating, rss, open, soak);
  const table = new Table({ head: ['target', 'measured', ''] });
  for (const target of targets) {
    table.push([target.name, target.value, target.verdict]);
  }
  process.stdout.write(`\nTargets\n${table.toString()}\n`);

  Object.assign(report, {
    throughput,
    alternating,
    rss,
    open,
    offline,
    soak,
    targets,
    endedAt: new Date().toISOString(),
  });
  const path = new URL(`./${stamp}.json`, resultsDir);
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nfigures written to ${path.pathname}\n`);
}

await main();
