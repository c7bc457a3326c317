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
  /** Which block of processes made it. */
  block: number;
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
  /** Blocks of rounds, each with fresh processes. */
  blocks: number;
  autocannon: GeneratorFigures;
  /** autocannon sending, besides the cookie, a request id header as session-chaos does. */
  autocannonWithIds: GeneratorFigures;
  sessionChaos: GeneratorFigures;
  /** session-chaos req/s over plain autocannon's, turns paired, with a 95% bootstrap interval: the target. */
  ratio: RatioEstimate;
  /** session-chaos req/s over that of autocannon with the same headers: the clients alone compared. */
  ratioToSameHeaders: RatioEstimate;
}

type ContenderName = 'autocannon' | 'autocannon + id' | 'session-chaos';

/**
 * A fixed request id as long as session-chaos's (run prefix, VU, base-36 counter): the lab parses, forwards
 * and logs it as it does the real ones.
 */
const sameHeaders = { 'x-request-id': '5e1fc0de-25-2bq7' };

interface Contender {
  name: ContenderName;
  script: string;
  options: AutocannonOptions | EngineOptions;
  /** Every measured turn, over all blocks. */
  turns: Turn[];
  bad: number;
}

/** A contender's process in one block, and its turn in progress (whose count arrives with the next resume). */
interface Running {
  contender: Contender;
  child: PausableChild<LoadResult | EngineResult>;
  open: (Omit<Turn, 'requests'> & { countAtStart: number }) | undefined;
}

/**
 * Rounds per block of fresh processes. Two processes of the very same generator can differ by up to 2% for
 * the whole of their lives (measured: three session-chaos children alternating, 30 rounds: 0.978x and 0.994x
 * in two runs), so the interval must see more than one process of each.
 */
const roundsPerBlock = 10;

function labCpu(watched: readonly Watched[]): number {
  return watched.reduce((sum, process) => sum + processCpuMicros(process.pid), 0);
}

/**
 * Plain autocannon, autocannon with session-chaos's two extra request headers, and session-chaos's engine take
 * turns on the lab: each runs for one slice while the others are paused (SIGSTOP), in ABC CBA order, for many
 * rounds of turns, in blocks of 10 rounds with fresh processes (and the order rotated) each. Consecutive 10 s
 * runs on this machine differ by 5-10% from the machine alone; turns a few seconds apart see nearly the same
 * machine, so the paired ratio has an interval of a few percent where the ratio of three rounds' medians has
 * none to speak of. The middle row tells what the headers cost the lab from what the clients cost.
 */
export async function alternatingSection(input: AlternatingInput): Promise<AlternatingFigures> {
  // A backstop: the children end their load by themselves if this process dies before it stops them.
  const backstopSeconds = Math.ceil((3 * (roundsPerBlock + 1) * input.sliceMs) / 1000) + 300;
  const autocannonOptions: AutocannonOptions = {
    url: `${input.url}/me`,
    connections: input.connections,
    durationSeconds: backstopSeconds,
    cookie: input.cookie,
  };
  const engineOptions: EngineOptions = {
    url: input.url,
    users: input.connections,
    durationSeconds: backstopSeconds,
    password: input.password,
  };
  const contender = (name: ContenderName, script: string, options: Contender['options']): Contender => ({
    name,
    script,
    options,
    turns: [],
    bad: 0,
  });
  const contenders = [
    contender('autocannon', './load-autocannon.ts', autocannonOptions),
    contender('autocannon + id', './load-autocannon.ts', {
      ...autocannonOptions,
      extraHeaders: sameHeaders,
    }),
    contender('session-chaos', './load-engine.ts', engineOptions),
  ] as const;

  const blocks = Math.ceil(input.rounds / roundsPerBlock);
  for (let block = 0; block < blocks; block++) {
    const rounds = Math.min(roundsPerBlock, input.rounds - block * roundsPerBlock);
    const rotated = contenders.map(
      (_, index) => contenders[(index + block) % contenders.length] as Contender,
    );
    input.log(
      `alternating: block ${block + 1}/${blocks}: fresh processes, one warm-up round, ${rounds} rounds`,
    );
    await runBlock(rotated, rounds, block, input);
  }

  const [autocannon, autocannonWithIds, sessionChaos] = contenders;
  const against = (theirs: Contender): RatioEstimate =>
    pairedRatio(
      Array.from({ length: blocks }, (_, block) =>
        theirs.turns.flatMap((turn, index) => {
          const ours = sessionChaos.turns[index] as Turn;
          return turn.block === block ? [{ ours, theirs: turn }] : [];
        }),
      ),
    );
  const figures: AlternatingFigures = {
    sliceMs: input.sliceMs,
    rounds: input.rounds,
    blocks,
    autocannon: figuresOf(autocannon),
    autocannonWithIds: figuresOf(autocannonWithIds),
    sessionChaos: figuresOf(sessionChaos),
    ratio: against(autocannon),
    ratioToSameHeaders: against(autocannonWithIds),
  };
  printFigures(figures);
  return figures;
}

/** One block: start every contender, a warm-up round, `rounds` measured rounds, then end them. */
async function runBlock(
  contenders: readonly Contender[],
  rounds: number,
  block: number,
  input: AlternatingInput,
): Promise<void> {
  const running: Running[] = [];
  try {
    for (const contender of contenders) {
      const child = await PausableChild.start<LoadResult | EngineResult>(contender.script, contender.options);
      running.push({ contender, child, open: undefined });
    }
    for (let round = 0; round <= rounds; round++) {
      const order = round % 2 === 0 ? running : [...running].reverse();
      for (const turnTaker of order) {
        const { child } = turnTaker;
        const cpuAtStart = child.cpuMicros;
        const labAtStart = labCpu(input.watched);
        const startedAt = performance.now();
        const countAtStart = await child.resume();
        closeTurn(turnTaker, countAtStart);
        await sleep(Math.max(0, input.sliceMs - (performance.now() - startedAt)));
        child.pause();
        const turn = {
          block,
          ms: performance.now() - startedAt,
          cpuMicros: child.cpuMicros - cpuAtStart,
          labMicros: labCpu(input.watched) - labAtStart,
          countAtStart,
        };
        // The warm-up round is run, not kept.
        turnTaker.open = round === 0 ? undefined : turn;
      }
    }
    for (const turnTaker of running) {
      const { requests, result } = await turnTaker.child.finish();
      closeTurn(turnTaker, requests);
      turnTaker.contender.bad += result.bad;
    }
  } finally {
    await Promise.all(running.map((turnTaker) => turnTaker.child.kill()));
  }
}

function closeTurn(running: Running, countNow: number): void {
  const open = running.open;
  if (open === undefined) return;
  const { countAtStart, ...turn } = open;
  running.contender.turns.push({ ...turn, requests: countNow - countAtStart });
  running.open = undefined;
}

function figuresOf(contender: Contender): GeneratorFigures {
  const requests = contender.turns.reduce((sum, turn) => sum + turn.requests, 0);
  const perRequest = (pick: (turn: Turn) => number): number =>
    Math.round((contender.turns.reduce((sum, turn) => sum + pick(turn), 0) / requests) * 10) / 10;
  return {
    reqPerSec: Math.round(rateOf(contender.turns)),
    cpuMicrosPerRequest: perRequest((turn) => turn.cpuMicros),
    // The lab's CPU in a turn includes its share of the other generator's answers already on their way when
    // that one was paused: at most one request per connection, a fraction of a percent of a turn.
    labMicrosPerRequest: perRequest((turn) => turn.labMicros),
    bad: contender.bad,
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
    `${ratio.toFixed(3)}x (95% interval ${low.toFixed(3)}-${high.toFixed(3)}, bootstrap over blocks and rounds)`;
  process.stdout.write(
    `\nAlternating: the generators take turns of ${figures.sliceMs} ms (the others paused), ` +
      `${figures.rounds} rounds in ABC CBA order, ${figures.blocks} blocks of fresh processes\n` +
      `${table.toString()}\n` +
      `session-chaos / autocannon, turns paired: ${estimate(figures.ratio)}\n` +
      `session-chaos / autocannon with the same request headers: ${estimate(figures.ratioToSameHeaders)}\n`,
  );
}
