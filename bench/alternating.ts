import { setTimeout as sleep } from 'node:timers/promises';
import Table from 'cli-table3';
import type { AutocannonOptions, LoadResult } from './load-autocannon.js';
import type { EngineOptions, EngineResult } from './load-engine.js';
import { PausableChild } from './pausable.js';
import { processCpuMicros } from './proc.js';
import type { Watched } from './spawn.js';
import { pairedRatio, type RatioEstimate, rateOf, type Work } from './stats.js';

export interface AlternatingInput {
  url: string;
  /** The fixed cookie autocannon sends. */
  cookie: string;
  password: string;
  connections: number;
  sliceMs: number;
  /** Measured rounds (a turn of each generator); one more round before them warms them up. */
  rounds: number;
  /** The lab's processes, whose CPU is charged to whichever generator ran. */
  watched: readonly Watched[];
  log: (line: string) => void;
}

interface Turn extends Work {
  cpuMicros: number;
  labMicros: number;
}

interface GeneratorFigures {
  reqPerSec: number;
  cpuMicrosPerRequest: number;
  labMicrosPerRequest: number;
  bad: number;
  /** req/s of each measured turn, in order. */
  turns: number[];
}

export interface AlternatingFigures {
  sliceMs: number;
  rounds: number;
  autocannon: GeneratorFigures;
  /** autocannon sending, besides the cookie, a request id and a VU id header as session-chaos does. */
  autocannonWithIds: GeneratorFigures;
  sessionChaos: GeneratorFigures;
  /** session-chaos req/s over plain autocannon's, turns paired, with a 95% bootstrap interval: the target. */
  ratio: RatioEstimate;
  /** session-chaos req/s over that of autocannon with the same headers: the clients alone compared. */
  ratioToSameHeaders: RatioEstimate;
}

type ContenderName = 'autocannon' | 'autocannon + ids' | 'session-chaos';

/**
 * Fixed values as long as session-chaos's (a run prefix and a base-36 counter; a VU number): the lab parses,
 * forwards and logs them as it does the real ones.
 */
const sameHeaders = { 'x-request-id': '5e1fc0de-2bq7', 'x-vu-id': '25' };

interface Contender {
  name: ContenderName;
  child: PausableChild<LoadResult | EngineResult>;
  turns: Turn[];
  /** The turn in progress, whose request count arrives with the next resume. */
  open: (Omit<Turn, 'requests'> & { countAtStart: number }) | undefined;
}

function labCpu(watched: readonly Watched[]): number {
  return watched.reduce((sum, process) => sum + processCpuMicros(process.pid), 0);
}

/**
 * Plain autocannon, autocannon with session-chaos's two extra request headers, and session-chaos's engine take
 * turns on the lab: each runs for one slice while the others are paused (SIGSTOP), in ABC CBA order, for many
 * rounds of turns. Consecutive 10 s runs on this machine differ by 5-10% from the machine alone; turns a few
 * seconds apart see nearly the same machine, so the paired ratio has an interval of a few percent where the
 * ratio of three rounds' medians has none to speak of. The middle row tells what the headers cost the lab
 * from what the clients cost.
 */
export async function alternatingSection(input: AlternatingInput): Promise<AlternatingFigures> {
  // A backstop: the children end their load by themselves if this process dies before it stops them.
  const backstopSeconds = Math.ceil((3 * (input.rounds + 1) * input.sliceMs) / 1000) + 300;
  const contenders: Contender[] = [];
  try {
    const autocannonOptions: AutocannonOptions = {
      url: `${input.url}/me`,
      connections: input.connections,
      durationSeconds: backstopSeconds,
      cookie: input.cookie,
    };
    const withIds: AutocannonOptions = { ...autocannonOptions, extraHeaders: sameHeaders };
    const engineOptions: EngineOptions = {
      url: input.url,
      users: input.connections,
      durationSeconds: backstopSeconds,
      password: input.password,
    };
    for (const [name, script, options] of [
      ['autocannon', './load-autocannon.ts', autocannonOptions],
      ['autocannon + ids', './load-autocannon.ts', withIds],
      ['session-chaos', './load-engine.ts', engineOptions],
    ] as const) {
      input.log(`alternating: starting ${name}`);
      const child = await PausableChild.start<LoadResult | EngineResult>(script, options);
      contenders.push({ name, child, turns: [], open: undefined });
    }

    for (let round = 0; round <= input.rounds; round++) {
      if (round === 0) input.log(`alternating: warming up (one round of ${input.sliceMs} ms turns)`);
      else if (round === 1) input.log(`alternating: ${input.rounds} rounds of ${input.sliceMs} ms turns`);
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const cpuAtStart = contender.child.cpuMicros;
        const labAtStart = labCpu(input.watched);
        const startedAt = performance.now();
        const countAtStart = await contender.child.resume();
        closeTurn(contender, countAtStart);
        await sleep(Math.max(0, input.sliceMs - (performance.now() - startedAt)));
        contender.child.pause();
        const turn = {
          ms: performance.now() - startedAt,
          cpuMicros: contender.child.cpuMicros - cpuAtStart,
          labMicros: labCpu(input.watched) - labAtStart,
          countAtStart,
        };
        // The warm-up round is run, not kept.
        contender.open = round === 0 ? undefined : turn;
      }
    }

    const results = new Map<ContenderName, LoadResult | EngineResult>();
    for (const contender of contenders) {
      const { requests, result } = await contender.child.finish();
      closeTurn(contender, requests);
      results.set(contender.name, result);
    }
    const [autocannon, autocannonWithIds, sessionChaos] = contenders as [Contender, Contender, Contender];
    const against = (theirs: Contender): RatioEstimate =>
      pairedRatio(
        theirs.turns.map((turn, index) => ({ ours: sessionChaos.turns[index] as Turn, theirs: turn })),
      );
    const figures: AlternatingFigures = {
      sliceMs: input.sliceMs,
      rounds: input.rounds,
      autocannon: figuresOf(autocannon, results.get(autocannon.name)),
      autocannonWithIds: figuresOf(autocannonWithIds, results.get(autocannonWithIds.name)),
      sessionChaos: figuresOf(sessionChaos, results.get(sessionChaos.name)),
      ratio: against(autocannon),
      ratioToSameHeaders: against(autocannonWithIds),
    };
    printFigures(figures);
    return figures;
  } finally {
    await Promise.all(contenders.map((contender) => contender.child.kill()));
  }
}

function closeTurn(contender: Contender, countNow: number): void {
  const open = contender.open;
  if (open === undefined) return;
  const { countAtStart, ...turn } = open;
  contender.turns.push({ ...turn, requests: countNow - countAtStart });
  contender.open = undefined;
}

function figuresOf(contender: Contender, result: LoadResult | EngineResult | undefined): GeneratorFigures {
  const requests = contender.turns.reduce((sum, turn) => sum + turn.requests, 0);
  const perRequest = (pick: (turn: Turn) => number): number =>
    Math.round((contender.turns.reduce((sum, turn) => sum + pick(turn), 0) / requests) * 10) / 10;
  return {
    reqPerSec: Math.round(rateOf(contender.turns)),
    cpuMicrosPerRequest: perRequest((turn) => turn.cpuMicros),
    // The lab's CPU in a turn includes its share of the other generator's answers already on their way when
    // that one was paused: at most one request per connection, a fraction of a percent of a turn.
    labMicrosPerRequest: perRequest((turn) => turn.labMicros),
    bad: result?.bad ?? 0,
    turns: contender.turns.map((turn) => Math.round(rateOf([turn]))),
  };
}

function printFigures(figures: AlternatingFigures): void {
  const table = new Table({
    head: ['generator', 'req/s', 'client CPU us/req', 'lab CPU us/req', 'bad', 'req/s of each turn'],
  });
  for (const [name, row] of [
    ['autocannon', figures.autocannon],
    [`autocannon + ${Object.keys(sameHeaders).join(', ')}`, figures.autocannonWithIds],
    ['session-chaos', figures.sessionChaos],
  ] as const) {
    const turns = row.turns.map((rate) => (rate / 1000).toFixed(1)).join(' ');
    table.push([
      name,
      row.reqPerSec.toLocaleString('en-US'),
      row.cpuMicrosPerRequest.toFixed(1),
      row.labMicrosPerRequest.toFixed(1),
      String(row.bad),
      `${turns} (k)`,
    ]);
  }
  const estimate = ({ ratio, low, high }: RatioEstimate): string =>
    `${ratio.toFixed(3)}x (95% interval ${low.toFixed(3)}-${high.toFixed(3)}, bootstrap over the rounds)`;
  process.stdout.write(
    `\nAlternating: the generators take turns of ${figures.sliceMs} ms (the others paused), ` +
      `${figures.rounds} rounds in ABC CBA order\n${table.toString()}\n` +
      `session-chaos / autocannon, turns paired: ${estimate(figures.ratio)}\n` +
      `session-chaos / autocannon with the same request headers: ${estimate(figures.ratioToSameHeaders)}\n`,
  );
}
