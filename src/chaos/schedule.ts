import type { Problem } from '../errors.js';
import type { Chaos, ChaosEvent } from '../profile/schema/chaos.js';
import { deriveSeed, type Random, seededRandom } from '../util/random.js';
import type { ChaosTarget, ScaleAction, ScaleCommands, TargetAction, WaitFor } from './driver.js';
import { parsePick, pickTargets } from './pick.js';
import { describeSelector } from './targets.js';

export type ChaosAction = TargetAction | 'exec' | ScaleAction;

export function isScaleAction(action: ChaosAction): action is ScaleAction {
  return action === 'scale-out' || action === 'scale-in';
}

/** One occurrence of a profile event, with its time and its targets decided: a line of the timeline. */
export interface PlannedAction {
  /** Position on the timeline, from 1. */
  seq: number;
  /** Index of the event in chaos.events. */
  event: number;
  /** The event's name, or `events[<index>]`. */
  label: string;
  /** Which repetition of the event this is, from 1. */
  occurrence: number;
  /** Milliseconds from the start of the traffic phase. */
  atMs: number;
  action: ChaosAction;
  /** The driver that acts on the targets (chaos.driver, or the event's own); undefined for exec. */
  driver?: string;
  /** The selector as written, for the dry run. */
  selector?: string;
  /**
   * In order; rolling acts on them one at a time, otherwise all at once (a scale-in removes them one at a
   * time either way). Empty for exec and scale-out.
   */
  targets: ChaosTarget[];
  rolling: boolean;
  /** stop or pause: start or unpause this long after. */
  undoAfterMs?: number;
  signal?: string;
  /** restart or stop: the grace period after SIGTERM. */
  stopTimeoutMs?: number;
  command?: string[];
  /** exec, scale-out, scale-in: the command's time limit. */
  execTimeoutMs?: number;
  /** scale-out, scale-in: the commands that scale the group (the event's, or the lab's). */
  scale?: ScaleCommands;
  /** exec: done at the first stdout line containing this (default execDoneMarker), else when it exits. */
  marker?: string;
  /** What "back" means for the targets; undefined: healthy when the target has a health check. */
  waitFor?: WaitFor;
  waitTimeoutMs: number;
}

export interface ScheduleInput {
  chaos: Chaos;
  seed: number;
  /** The traffic phase's length; `every` repeats until then. Undefined when the run is bounded by requests. */
  horizonMs: number | undefined;
  /**
   * The targets each event's selector matched, by event index (ChaosDriver.resolve). An event missing here
   * is planned without targets: the dry run shows it that way when the driver cannot be asked.
   */
  matches: ReadonlyMap<number, readonly ChaosTarget[]>;
}

const defaultExecTimeoutMs = 60_000;

/** Each event draws its times and its picks from streams of its own, so events do not shift each other. */
function eventRandoms(seed: number, index: number): { times: Random; picks: Random } {
  const eventSeed = deriveSeed(seed, index);
  return { times: seededRandom(deriveSeed(eventSeed, 0)), picks: seededRandom(deriveSeed(eventSeed, 1)) };
}

function occurrenceTimes(event: ChaosEvent, horizonMs: number | undefined, random: Random): number[] {
  if (event.every === undefined) return event.at === undefined ? [] : [event.at];
  const times: number[] = [];
  const first = event.at ?? event.every;
  const limit = event.times ?? Number.POSITIVE_INFINITY;
  for (let k = 0; times.length < limit; k++) {
    const base = first + k * event.every;
    if (horizonMs !== undefined && base >= horizonMs) break;
    const jittered = base + (event.jitter === undefined ? 0 : Math.round(random.next() * event.jitter));
    if (horizonMs === undefined || jittered < horizonMs) times.push(jittered);
  }
  return times;
}

/** Events that cannot happen in the run's traffic phase, as profile problems (checked before Docker is asked). */
export function chaosTimingProblems(chaos: Chaos, horizonMs: number | undefined): Problem[] {
  return chaos.events.flatMap((event, index) => timingProblems(event, index, horizonMs));
}

function timingProblems(event: ChaosEvent, index: number, horizonMs: number | undefined): Problem[] {
  const path = `chaos.events[${index}]`;
  if (event.every !== undefined && event.times === undefined && horizonMs === undefined) {
    return [{ path: `${path}.times`, message: 'required with every when traffic.duration is unset' }];
  }
  const first = event.at ?? event.every ?? 0;
  if (horizonMs !== undefined && first >= horizonMs) {
    const field = event.at === undefined ? 'every' : 'at';
    return [
      {
        path: `${path}.${field}`,
        message: `${first}ms is not before the end of the traffic phase (${horizonMs}ms)`,
      },
    ];
  }
  return [];
}

/** Plans the chaos timeline: pure, so the same profile, seed and containers always give the same plan. */
export function planChaos(input: ScheduleInput): PlannedAction[] {
  const unordered: Omit<PlannedAction, 'seq'>[] = [];
  input.chaos.events.forEach((event, index) => {
    const randoms = eventRandoms(input.seed, index);
    const pick = parsePick(event.pick);
    const candidates = input.matches.get(index) ?? [];
    occurrenceTimes(event, input.horizonMs, randoms.times).forEach((atMs, k) => {
      const targets =
        event.action === 'exec' || event.action === 'scale-out'
          ? []
          : pickTargets(pick, candidates, randoms.picks);
      const commanded = event.action === 'exec' || isScaleAction(event.action);
      unordered.push({
        event: index,
        label: event.name ?? `events[${index}]`,
        occurrence: k + 1,
        atMs,
        action: event.action,
        ...(event.action === 'exec' ? {} : { driver: event.driver ?? input.chaos.driver }),
        ...(event.target === undefined ? {} : { selector: describeSelector(event.target) }),
        targets,
        rolling: pick.kind === 'rolling' && event.action !== 'exec',
        ...(event.for === undefined ? {} : { undoAfterMs: event.for }),
        ...(event.action === 'kill' ? { signal: event.signal ?? 'SIGKILL' } : {}),
        ...(event.timeout !== undefined && !commanded ? { stopTimeoutMs: event.timeout } : {}),
        ...(commanded ? { execTimeoutMs: event.timeout ?? defaultExecTimeoutMs } : {}),
        ...(event.command === undefined ? {} : { command: event.command }),
        ...(event.scale === undefined ? {} : { scale: event.scale }),
        ...(event.marker === undefined ? {} : { marker: event.marker }),
        ...(event.waitFor === undefined ? {} : { waitFor: event.waitFor }),
        waitTimeoutMs: event.waitTimeout,
      });
    });
  });
  return unordered
    .sort((a, b) => a.atMs - b.atMs || a.event - b.event || a.occurrence - b.occurrence)
    .map((action, i) => ({ seq: i + 1, ...action }));
}
