import type { ControlsReport } from '../controls/report.js';
import { ExitCode } from '../errors.js';
import type { Finding } from '../findings/types.js';
import type { Summary } from '../metrics/summary.js';
import type { Plan } from '../profile/load.js';
import { evaluateThresholds, type ThresholdResult } from '../thresholds/evaluate.js';
import type { ResolvedThreshold, ThresholdOrigin } from '../thresholds/resolve.js';
import type { BackgroundResult } from '../traffic/background.js';
import { redact } from '../util/redact.js';
import { toolVersion } from '../version.js';
import { redactDocument } from './redact-document.js';

/** Bumped on any change a reader of an older version could misread; readers refuse newer versions. */
export const resultSchemaVersion = 3;
export const toolName = 'session-chaos';

/**
 * One line of the chaos journal: an action the run took on a backend, or an event the runtime reported, in ms
 * from the start of the traffic phase (the origin of the profile's `at` and of `--dry-run`). `id` matches
 * `Summary.impact[].id` for actions whose impact was measured.
 */
export interface ChaosJournalEntry {
  id: string;
  /** `action` (restart, stop, ... or exec), `docker_event`, `problem`, or `rollback` (when the run ended). */
  kind: string;
  /** When it was issued. */
  at: number;
  action?: string;
  /** The target's name (or the command of an exec hook). */
  target?: string;
  /** The driver that acted: docker, process. */
  driver?: string;
  /** When the driver answered (a restart: the target runs again), or the exec's command exited. */
  doneAt?: number;
  /** When an exec printed its marker line (`session-chaos: done`, or the event's `marker`): done from then. */
  markerAt?: number;
  /** When the target was back (running or healthy). */
  backAt?: number;
  /** `done`, `already-stopped` (Docker's 304/409), `failed`; a rollback's `restored`, `already-fine`, `gone`. */
  outcome?: string;
  message?: string;
}

/** What the engine knows about the run beyond the records: how many users it had, what it could not send. */
export interface EngineFacts {
  /** Virtual users planned (`traffic.users`). */
  users: number;
  /** Those whose initial login succeeded (the traffic phase ran with them); absent when the run never got there. */
  loggedIn?: number;
  /** Re-login attempts that failed (each took a request's place in the budget). */
  failedRelogins?: number;
  /** Open model: arrivals that were due before the end but never sent, because every user was busy. */
  lateArrivals?: number;
  /** The autocannon background pressure (`traffic.background`): session-less load, measured apart. */
  background?: BackgroundResult;
}

export interface ThresholdVerdict extends ThresholdResult {
  origin: ThresholdOrigin;
}

type VerdictStatus = 'passed' | 'thresholds_failed' | 'aborted' | 'interrupted';

export interface Verdict {
  status: VerdictStatus;
  exitCode:
    | typeof ExitCode.passed
    | typeof ExitCode.thresholdsFailed
    | typeof ExitCode.aborted
    | typeof ExitCode.interrupted;
  /** The expressions of the failed thresholds. */
  failed: string[];
  /** Why the run stopped early, when it did. */
  message?: string;
}

export const timeOrigins = ['traffic_start', 'run_start'] as const;
type TimeOrigin = (typeof timeOrigins)[number];

/** The result file (`--json`), versioned; `schema/result.schema.json` describes it. */
export interface RunResult {
  schemaVersion: typeof resultSchemaVersion;
  tool: { name: typeof toolName; version: string };
  node: string;
  /** The profile's path. */
  source: string;
  /** The resolved profile (defaults filled in, durations in ms), secrets redacted. */
  profile: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  summary: Summary;
  /** Absent in results written before it existed. */
  engine?: EngineFacts;
  /** Preflight's controls and the rules the run classified by, learned ones included (absent before them). */
  controls?: ControlsReport;
  chaos: ChaosJournalEntry[];
  /**
   * The origin of the document's times (the chaos journal's `at`, `doneAt`, `backAt`, `summary.impact[].at`,
   * `summary.timeline[].at`, the pin map): `traffic_start`, the start of the traffic phase, the origin of the
   * profile's `at` and of `--dry-run`; `run_start` for a run that never reached it. `--trace` and
   * `trafficStartMs` count from the run's start. Absent in results written before it existed.
   */
  timeOrigin?: TimeOrigin;
  /**
   * When the traffic phase started, in ms from the run's start (the chaos journal counts from this moment). A
   * summary with `trafficStartedAt` (the same moment) already counts its timeline and pins from it; older ones
   * count from the run's start, and the HTML report shifts them by this. Absent in results without chaos.
   */
  trafficStartMs?: number;
  /** Plain sentences derived from the summary by the findings rules, most severe first. */
  findings: Finding[];
  thresholds: ThresholdVerdict[];
  verdict: Verdict;
}

/** How a run ended early: a fault (exit 4), Ctrl-C (130), or an `abortOnFail` threshold (1). */
export interface EarlyEnd {
  kind: 'fault' | 'interrupted' | 'threshold';
  message: string;
}

export interface ResultInput {
  plan: Plan;
  summary: Summary;
  engine?: EngineFacts;
  controls?: ControlsReport;
  thresholds: readonly ResolvedThreshold[];
  journal?: readonly ChaosJournalEntry[];
  /** See `RunResult.trafficStartMs`. */
  trafficStartMs?: number;
  findings?: readonly Finding[];
  startedAt: Date;
  endedAt: Date;
  earlyEnd?: EarlyEnd;
}

export function decideVerdict(thresholds: readonly ThresholdResult[], earlyEnd?: EarlyEnd): Verdict {
  const failed = thresholds.filter((threshold) => !threshold.passed).map((threshold) => threshold.expression);
  const message = earlyEnd === undefined ? {} : { message: earlyEnd.message };
  if (earlyEnd?.kind === 'fault')
    return { status: 'aborted', exitCode: ExitCode.aborted, failed, ...message };
  if (earlyEnd?.kind === 'interrupted') {
    return { status: 'interrupted', exitCode: ExitCode.interrupted, failed, ...message };
  }
  if (failed.length > 0 || earlyEnd?.kind === 'threshold') {
    return { status: 'thresholds_failed', exitCode: ExitCode.thresholdsFailed, failed, ...message };
  }
  return { status: 'passed', exitCode: ExitCode.passed, failed };
}

/** Assembles the result document: evaluates the thresholds, decides the verdict, redacts the secrets. */
export function buildResult(input: ResultInput): RunResult {
  const thresholds = evaluateThresholds(input.summary, input.thresholds).map((result, index) => ({
    ...result,
    origin: input.thresholds[index]?.origin ?? 'profile',
  }));
  // Only what came from the profile, the environment or Docker is redacted: the tool's own fields (its name,
  // the verdict) must stay intact even when a secret is a common word.
  const { secrets } = input.plan;
  return {
    schemaVersion: resultSchemaVersion,
    tool: { name: toolName, version: toolVersion },
    node: process.version,
    source: redactDocument(input.plan.source, secrets),
    profile: redactDocument(input.plan.profile as unknown as Record<string, unknown>, secrets),
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    durationMs: input.endedAt.getTime() - input.startedAt.getTime(),
    summary: input.summary,
    ...(input.engine === undefined
      ? {}
      : {
          engine:
            input.engine.background === undefined
              ? input.engine
              : {
                  ...input.engine,
                  background: {
                    ...input.engine.background,
                    path: redact(input.engine.background.path, secrets),
                  },
                },
        }),
    ...(input.controls === undefined
      ? {}
      : {
          controls: redactDocument(
            input.controls as unknown as Record<string, unknown>,
            secrets,
          ) as unknown as ControlsReport,
        }),
    // Ids join the journal with summary.impact; only the free text is redacted.
    chaos: (input.journal ?? []).map((entry) => ({
      ...entry,
      ...(entry.target === undefined ? {} : { target: redact(entry.target, secrets) }),
      ...(entry.message === undefined ? {} : { message: redact(entry.message, secrets) }),
    })),
    timeOrigin: input.summary.trafficStartedAt === undefined ? 'run_start' : 'traffic_start',
    ...(input.trafficStartMs === undefined ? {} : { trafficStartMs: input.trafficStartMs }),
    // Their sentences quote backend and container names, which come from the target.
    findings: (input.findings ?? []).map((found) => ({ ...found, text: redact(found.text, secrets) })),
    thresholds,
    verdict: decideVerdict(
      thresholds,
      input.earlyEnd === undefined
        ? undefined
        : { ...input.earlyEnd, message: redact(input.earlyEnd.message, secrets) },
    ),
  };
}
