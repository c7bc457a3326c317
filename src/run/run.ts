import { setMaxListeners } from 'node:events';
import type { ChaosDriver } from '../chaos/driver.js';
import type { ActionRecord } from '../chaos/journal.js';
import {
  type ChaosOutcome,
  type ChaosSession,
  type LeftDown,
  prepareChaosSession,
} from '../chaos/session.js';
import { type Classifier, compileRules, ruleNeeds } from '../classify/classify.js';
import type { ControlsOutcome } from '../controls/controls.js';
import type { ControlsReport } from '../controls/report.js';
import { ProfileError, RunAbortedError } from '../errors.js';
import { RequestIds } from '../lab-contract/request-ids.js';
import { loadCredentials } from '../login/credentials.js';
import { logIn, loginSetup } from '../login/login.js';
import { runLoginPhase } from '../login/login-phase.js';
import { MetricsAggregator } from '../metrics/aggregator.js';
import { summarize } from '../metrics/summarize.js';
import type { Summary } from '../metrics/summary.js';
import type { Plan } from '../profile/load.js';
import { checkOutputPaths } from '../report/check-outputs.js';
import { type Background, type BackgroundResult, startBackground } from '../traffic/background.js';
import { Connections } from '../traffic/connections.js';
import { runTraffic, type TrafficResult } from '../traffic/engine.js';
import { compileMix } from '../traffic/mix.js';
import type { HttpContext } from '../traffic/send.js';
import { fanOut, type RecordSink } from '../traffic/sink.js';
import { realSleep, type Sleep } from '../traffic/sleep.js';
import { spreadSourceAddresses } from '../traffic/source-addresses.js';
import { openTrace, type TraceWriter } from '../traffic/trace.js';
import { createVirtualUser, type VirtualUser } from '../traffic/virtual-user.js';
import { type Clock, systemClock } from '../util/clock.js';
import { untilAborted } from './abortable.js';
import { runPreflight } from './preflight.js';

/** Sockets per origin over all source addresses; users beyond it share them (the HTTP client queues their requests). */
const connectionBudget = 256;

export interface RunDependencies {
  clock?: Clock;
  wallNow?: () => number;
  sleep?: Sleep;
  /** Replaces the profile's classification rules (tests). */
  classify?: Classifier;
  /** Further consumers of the records, beside the metrics and the trace. */
  sinks?: readonly RecordSink[];
  allowNonLoopback?: boolean;
  /** Aborting it (Ctrl-C) ends the phase in progress; the run drains and returns what it saw. */
  signal?: AbortSignal;
  /**
   * Aborting it (a second Ctrl-C) cuts the drain short: the run stops waiting for the chaos rollback and the
   * background pressure, and says what was left down.
   */
  hurry?: AbortSignal;
  /** Progress lines, for stderr. */
  log?: (line: string) => void;
  /** Each phase as it starts (the progress line names it). */
  onPhase?: (phase: RunPhase) => void;
  /** The aggregator the records are counted in; default: one of the run's own (the pipeline passes its). */
  metrics?: MetricsAggregator;
  requestIds?: RequestIds;
  /** Chaos drivers by name (tests); default: those the profile names (Docker as DOCKER_HOST says). */
  chaosDrivers?: Readonly<Partial<Record<string, ChaosDriver>>>;
  /** Each chaos action as it is issued (the progress line shows it). */
  onChaosIssued?: (record: ActionRecord) => void;
  /**
   * The run threw: what it had seen by then, after chaos was rolled back and connections closed, before the
   * error propagates. The caller's reports of an aborted run are made from it.
   */
  onFailed?: (partial: PartialRun) => void;
}

type RunPhase = 'preflight' | 'login' | 'traffic' | 'drain';

/** What a run that threw had seen. */
export interface PartialRun {
  users: number;
  /** Undefined when the run threw before its login phase was over. */
  loggedIn?: number;
  /** The metrics of the records made before it threw (none, when it threw in preflight). */
  summary: Summary;
  /** The chaos journal so far, rollback included. */
  chaos?: ChaosOutcome;
  /** The background pressure's own result, when it had started. */
  background?: BackgroundResult;
  /** What chaos had taken down and was not restored when a second signal cut the rollback short. */
  leftDown?: LeftDown[];
}

export interface RunResult {
  users: number;
  loggedIn: number;
  login: { startedAt: number; endedAt: number };
  traffic: TrafficResult;
  background?: BackgroundResult;
  interrupted: boolean;
  summary: Summary;
  /** The chaos journal (actions, Docker events, rollback) when the profile has chaos events. */
  chaos?: ChaosOutcome;
  /** What chaos had taken down and was not restored when a second signal cut the rollback short. */
  leftDown?: LeftDown[];
  /**
   * What preflight's controls found, and the rules (learned ones included) the run classified by; absent
   * when the run was interrupted before they ended.
   */
  controls?: ControlsReport;
}

/** The users of a run with their credentials; user ids are the `{i}` numbers (credentials.start onwards). */
async function createUsers(plan: Plan): Promise<VirtualUser[]> {
  const { auth, traffic } = plan.profile;
  const credentials = await loadCredentials(auth.credentials, traffic.users, plan.source);
  return Array.from({ length: traffic.users }, (_, index) =>
    createVirtualUser(auth.credentials.start + index, credentials(index), traffic.seed),
  );
}

/**
 * plan -> preflight -> login phase -> traffic phase (+ background pressure) -> drain. The records go to the
 * sinks as they are made; what comes back is the shape of the run, for the summary around it.
 */
export async function executeRun(plan: Plan, deps: RunDependencies = {}): Promise<RunResult> {
  const { profile } = plan;
  const { target, traffic } = profile;
  const log = deps.log ?? (() => undefined);

  const spread =
    traffic.sourceAddresses === undefined
      ? { addresses: [], problems: [] }
      : spreadSourceAddresses(traffic.sourceAddresses, traffic.users, deps.allowNonLoopback ?? false);
  if (spread.problems.length > 0) throw new ProfileError(plan.source, spread.problems);
  await checkOutputPaths(plan);
  const users = await createUsers(plan);

  // The run's own signal, which every waiting user listens on (thousands of listeners are expected). It follows
  // the caller's from here on, once the checks that throw are behind; the `finally` below lets go of it.
  const interrupt = new AbortController();
  setMaxListeners(0, interrupt.signal);
  const external = deps.signal;
  const onInterrupt = (): void => interrupt.abort();
  if (external?.aborted) interrupt.abort();
  external?.addEventListener('abort', onInterrupt, { once: true });
  const signal = interrupt.signal;
  const hurry = new AbortController();
  const onHurry = (): void => hurry.abort();
  if (deps.hurry?.aborted) hurry.abort();
  deps.hurry?.addEventListener('abort', onHurry, { once: true });
  const sleep = deps.sleep ?? realSleep;

  const baseClock = deps.clock ?? systemClock;
  const origin = baseClock.now();
  const clock: Clock = { now: () => baseClock.now() - origin };
  const connections = new Connections({
    mode: traffic.connection.mode,
    reconnectEvery: traffic.connection.reconnectEvery,
    connectTimeoutMs: target.timeout,
    client: target.client,
    addresses: spread.addresses,
    users: traffic.users,
    connectionBudget,
  });
  const context: HttpContext = {
    connections,
    clock,
    wallNow: deps.wallNow ?? Date.now,
    ids: deps.requestIds ?? new RequestIds(),
    timeoutMs: target.timeout,
    maxBodyBytes: target.maxBodyBytes,
    headers: target.headers,
    requestIdHeader: traffic.requestIdHeader.toLowerCase(),
    vuIdHeader: traffic.vuIdHeader?.toLowerCase(),
  };
  const metrics =
    deps.metrics ??
    new MetricsAggregator({ vus: traffic.users, expectedBackends: profile.classify.backends });
  const phase = (name: RunPhase): void => deps.onPhase?.(name);
  const metricsSink: RecordSink = {
    onLogin: (record) => metrics.login(record),
    onResponse: (record, classification) => metrics.response(record, classification),
  };

  let trace: TraceWriter | undefined;
  let background: Background | undefined;
  let chaos: ChaosSession | undefined;
  let loggedIn: number | undefined;
  let failed = false;
  let leftDown: LeftDown[] | undefined;
  /** Restores what chaos took down, unless a second signal says to stop waiting (then names what is left). */
  const finishChaos = async (): Promise<ChaosOutcome | undefined> => {
    if (chaos === undefined) return undefined;
    const outcome = await untilAborted(chaos.finish(), hurry.signal);
    if (outcome !== undefined) return outcome;
    leftDown = chaos.leftDown();
    return { journal: chaos.journal, restoreFailures: [] };
  };
  try {
    phase('preflight');
    // Before any request: Docker answers and every chaos target exists (exit 3 otherwise).
    const preparing = prepareChaosSession(plan, {
      clock: baseClock,
      runStartedAt: origin,
      ...(deps.chaosDrivers === undefined ? {} : { drivers: deps.chaosDrivers }),
      followImpact: (id, at, windowMs) => metrics.trackEvent(id, at, windowMs),
      ...(deps.onChaosIssued === undefined ? {} : { onIssued: deps.onChaosIssued }),
      onSignal: () => interrupt.abort(),
      onSecondSignal: () => hurry.abort(),
      log,
    });
    chaos = await untilAborted(preparing, signal);
    // Interrupted while Docker was being asked: the session that comes later still closes its client.
    if (chaos === undefined) void preparing.then((late) => late?.finish()).catch(() => undefined);

    trace =
      profile.outputs.trace === undefined
        ? undefined
        : await openTrace(profile.outputs.trace, { onFailure: log });
    const sink = fanOut([metricsSink, ...(deps.sinks ?? []), ...(trace === undefined ? [] : [trace])]);

    // The target answers and the controls pass; the rules they settle (learned ones too) are the run's.
    let controls: ControlsOutcome | undefined;
    const [first] = users;
    if (first !== undefined && !signal.aborted) {
      log(`preflight: ${target.url}`);
      controls = await untilAborted(runPreflight(plan, context, first, log), signal);
    }
    const rules = controls?.rules ?? profile.classify;
    const needs = ruleNeeds(rules);
    const classify = deps.classify ?? compileRules(rules);
    const auth = controls?.auth ?? profile.auth;
    const setup = loginSetup(auth, target.url, needs, (record) => classify(record).backend, context, signal);

    if (!signal.aborted) {
      phase('login');
      log(`login phase: ${users.length} users, ${traffic.login.concurrency} at a time`);
    }
    const loginStartedAt = clock.now();
    await runLoginPhase(users, (vu) => logIn(vu, 'initial', setup), sink, {
      concurrency: traffic.login.concurrency,
      rampUpMs: traffic.login.rampUp,
      clock,
      sleep,
      signal,
    });
    const login = { startedAt: loginStartedAt, endedAt: clock.now() };
    const active = users.filter((vu) => vu.loggedIn);
    loggedIn = active.length;
    if (active.length === 0 && !signal.aborted) {
      throw new RunAbortedError(`no virtual user logged in (${users.length} tried)`);
    }

    if (!signal.aborted) {
      phase('traffic');
      log(`traffic phase: ${active.length} users, ${traffic.model} model`);
    }
    if (traffic.background !== undefined && !signal.aborted) {
      background = startBackground(
        traffic.background,
        target.url,
        traffic.duration ?? 3_600_000,
        target.timeout,
      );
    }
    if (!signal.aborted) {
      // One reading: the summary and the chaos journal count from the same moment.
      const trafficStart = clock.now();
      metrics.startTraffic(trafficStart);
      trace?.trafficStarted(trafficStart);
      chaos?.startTimeline(trafficStart);
    }
    const trafficResult = await runTraffic(active, {
      model: traffic.model,
      thinkTimeMs: traffic.thinkTime,
      rate: traffic.rate,
      durationMs: traffic.duration,
      requests: traffic.requests,
      mix: compileMix(traffic.mix, target.url),
      needs,
      relogin: profile.relogin,
      lifetimes: profile.auth.session,
      context,
      classify,
      sink,
      logIn: (vu, cause) => logIn(vu, cause, setup),
      sleep,
      signal,
    });
    phase('drain');
    if (chaos !== undefined) await untilAborted(chaos.stopTimeline(), hurry.signal);
    const result: RunResult = {
      users: users.length,
      loggedIn: active.length,
      login,
      traffic: trafficResult,
      interrupted: signal.aborted,
      summary: summarize(metrics.aggregates()),
      ...(controls === undefined ? {} : { controls: controls.report }),
    };
    if (background !== undefined) {
      const stopped = await untilAborted(background.stop(), hurry.signal);
      if (stopped !== undefined) result.background = stopped;
      background = undefined;
    }
    const chaosOutcome = await finishChaos();
    if (chaosOutcome !== undefined) result.chaos = chaosOutcome;
    if (leftDown !== undefined) result.leftDown = leftDown;
    return result;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    external?.removeEventListener('abort', onInterrupt);
    // However the run ends, what chaos stopped or paused is started or unpaused again.
    const chaosOutcome = await finishChaos();
    const backgroundResult =
      background === undefined
        ? undefined
        : await untilAborted(background.stop(), hurry.signal).catch(() => undefined);
    deps.hurry?.removeEventListener('abort', onHurry);
    connections.close();
    await trace?.close();
    if (failed) {
      deps.onFailed?.({
        users: users.length,
        ...(loggedIn === undefined ? {} : { loggedIn }),
        summary: summarize(metrics.aggregates()),
        ...(chaosOutcome === undefined ? {} : { chaos: chaosOutcome }),
        ...(backgroundResult === undefined ? {} : { background: backgroundResult }),
        ...(leftDown === undefined ? {} : { leftDown }),
      });
    }
  }
}
