import type { Plan } from '../profile/load.js';
import type { Clock } from '../util/clock.js';
import type { DockerClient } from './docker/types.js';
import { type ActionRecord, type ChaosJournal, createChaosJournal, impactId } from './journal.js';
import { chaosPreflight, dockerClientFor, needsDocker } from './preflight.js';
import { type ChaosRunner, createChaosRunner } from './runner.js';
import { installChaosSignalHook } from './signals.js';

export interface ChaosSessionOptions {
  /** The run's clock and its reading at the run's time 0 (ResponseRecord times count from there). */
  clock: Clock;
  runStartedAt: number;
  /** Injected in tests; default: the client the plan asks for (chaos.docker.host, DOCKER_HOST). */
  dockerClient?: DockerClient;
  env?: NodeJS.ProcessEnv;
  /**
   * Follow an event's impact from `at` (run clock) for `windowMs` under `id` (MetricsAggregator.trackEvent):
   * called once per planned action, when it is issued to its first container, and once per step of a rolling
   * action, as each container's turn comes.
   */
  followImpact?: (id: string, at: number, windowMs: number) => ImpactWindow | undefined;
  /** Each action as it is sent to a container or an exec starts (for the progress line). */
  onIssued?: (record: ActionRecord) => void;
  /** SIGINT or SIGTERM arrived: chaos is being rolled back; the run should stop its traffic. */
  onSignal?: (signal: NodeJS.Signals) => void;
  /** A second signal during that rollback (see installChaosSignalHook); default: exit at once. */
  onSecondSignal?: (signal: NodeJS.Signals) => void;
  log?: (line: string) => void;
}

/** A followed impact whose window a later step of the same rolling action cuts short. */
export interface ImpactWindow {
  endAt(runMs: number): void;
}

export interface ChaosOutcome {
  journal: ChaosJournal;
  /** The first action that failed (a Docker error), when one did: the run's result is then a fault. */
  failure?: string;
}

/** Chaos as the run pipeline drives it: checked before any traffic, played during it, undone however it ends. */
export interface ChaosSession {
  readonly journal: ChaosJournal;
  /** The traffic phase starts now: the timeline's times count from here. */
  startTimeline(): void;
  /** The traffic phase is over: no further action starts (those under way finish). */
  stopTimeline(): Promise<void>;
  /** Restores what the run took down, closes the Docker connection. Call it in `finally`; idempotent. */
  finish(): Promise<ChaosOutcome>;
  /** What the run took down and has not restored yet, with the Docker command that brings each back. */
  leftDown(): LeftDown[];
}

export interface LeftDown {
  container: string;
  /** `docker start lab-app2`, `docker unpause lab-app2`. */
  command: string;
}

/**
 * Runs the chaos preflight (exit 2 for a schedule outside the traffic phase, exit 3 when Docker does not answer
 * or a selector matches no container or too many) and returns the session, or undefined when the profile has no
 * chaos events.
 */
export async function prepareChaosSession(
  plan: Plan,
  options: ChaosSessionOptions,
): Promise<ChaosSession | undefined> {
  const { chaos } = plan.profile;
  if (chaos.events.length === 0) return undefined;
  const log = options.log ?? (() => undefined);
  const client = needsDocker(plan) ? (options.dockerClient ?? dockerClientFor(plan, options.env)) : undefined;
  let prepared: Awaited<ReturnType<typeof chaosPreflight>>;
  try {
    prepared = await chaosPreflight(plan, client);
  } catch (error) {
    await client?.close();
    throw error;
  }
  if (client !== undefined) log(`preflight: Docker at ${client.endpoint}, API ${prepared.apiVersion}`);
  log(`chaos: ${prepared.actions.length} action(s) planned`);

  const journal = createChaosJournal();
  let failure: string | undefined;
  let runner: ChaosRunner | undefined;
  let uninstall: (() => void) | undefined;
  let finished: Promise<ChaosOutcome> | undefined;
  const followed = new Set<string>();
  /** Per rolling action (by seq), the window of its latest step. */
  const latestStep = new Map<number, ImpactWindow>();

  return {
    journal,
    startTimeline() {
      runner = createChaosRunner({
        ...(client === undefined ? {} : { client }),
        clock: options.clock,
        runStartedAt: options.runStartedAt,
        actions: prepared.actions,
        journal,
        onIssued: (record) => {
          options.onIssued?.(record);
          const id = impactId(record);
          if (followed.has(id)) return;
          followed.add(id);
          const window = options.followImpact?.(id, record.issuedMs, chaos.impactWindow);
          if (record.step === undefined) return;
          // Each record counts for the step whose restart came last before it, never for two steps.
          latestStep.get(record.seq)?.endAt(record.issuedMs);
          if (window !== undefined) latestStep.set(record.seq, window);
        },
        onFault: (error) => {
          failure ??= error instanceof Error ? error.message : String(error);
          log(`chaos: ${failure}`);
        },
      });
      uninstall = installChaosSignalHook(runner, {
        onSignal: options.onSignal ?? (() => undefined),
        ...(options.onSecondSignal === undefined ? {} : { onSecondSignal: options.onSecondSignal }),
      });
      // Failures are kept by onFault; the timeline's own promise only says it is over.
      runner.start().catch(() => undefined);
    },
    stopTimeline: async () => {
      await runner?.stop();
    },
    leftDown() {
      return (runner?.pending() ?? []).map((container) => {
        const last = journal.actions.findLast(
          (record) => record.container?.id === container.id && record.outcome === 'done',
        );
        const verb = last?.action === 'pause' ? 'unpause' : 'start';
        return { container: container.name, command: `docker ${verb} ${container.name}` };
      });
    },
    finish() {
      finished ??= (async () => {
        try {
          const restored = (await runner?.rollback()) ?? [];
          if (restored.length > 0)
            log(`chaos: restored ${restored.map((r) => r.container?.name).join(', ')}`);
        } finally {
          uninstall?.();
          await client?.close();
        }
        return { journal, ...(failure === undefined ? {} : { failure }) };
      })();
      return finished;
    },
  };
}
